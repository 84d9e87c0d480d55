/**
 * The resource classes as a program sees them: every argument is an output, even when
 * the program leaves it out, and leaving it out sends nothing to the engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { JobComponent, ReleasePlan } from "../../sdk";
import { jobComponentSpecKeys, releasePlanSpecKeys } from "../../sdk/generated";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../../provider/pulumiValues";
import { captureInputs } from "../harness/captureInputs";
import { APP_ID, COMPONENT_ID, RELEASE_PLAN_ID, jobSpec, releaseSpec } from "../harness/world";

test("every spec property is an output, set or not; unset ones are not sent", async () => {
  let job: JobComponent | undefined;
  let plan: ReleasePlan | undefined;
  const registered = await captureInputs(() => {
    job = new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never);
    plan = new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never);
    return [job, plan];
  });
  const j = job as JobComponent;
  for (const key of [...jobComponentSpecKeys, "jobId", "jobStatus", "projectId"] as const) expect(pulumi.Output.isInstance(j[key])).toBe(true);
  for (const key of [...releasePlanSpecKeys, "releasePlanId"] as const) expect(pulumi.Output.isInstance((plan as ReleasePlan)[key])).toBe(true);
  // Only what the program set (and the provider) reaches the engine.
  const jobInputs = registered.find((r) => r.type.endsWith(":JobComponent"))?.inputs ?? {};
  expect(Object.keys(jobInputs).sort()).toEqual(["__provider", "applicationId", "componentId", ...Object.keys(jobSpec())].sort());
});

test("Pulumi internals copied by value match @pulumi/pulumi's own", () => {
  const rpc = require("@pulumi/pulumi/runtime/rpc") as { unknownValue: string; specialSigKey: string; specialSecretSig: string };
  expect(UNKNOWN).toBe(rpc.unknownValue); // provider/pulumiValues.ts: the unknown sentinel during preview
  expect(SECRET_SIG_KEY).toBe(rpc.specialSigKey); // provider/pulumiValues.ts: how a secret is marked (the plugin, the tests)
  expect(SECRET_SIG).toBe(rpc.specialSecretSig);
});

test("an unset spec output resolves to undefined, a set one to its value (outside preview)", async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "project", "stack", false);
  const job = new JobComponent("job-values", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never);
  const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
  expect(await valueOf(job.envs)).toBeUndefined();
  expect(await valueOf(job.version)).toBe(jobSpec().version);
  expect(job.envs).toBe(job.envs); // made once
});
