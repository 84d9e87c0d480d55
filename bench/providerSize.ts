/**
 * The size of `__provider`, the serialized provider the engine stores with every dynamic
 * resource in the stack's state and sends with every operation on it: one row per resource
 * type, each against a goal.
 */
import { JobComponent, ReleasePlan } from "../sdk";
import { captureInputs } from "../test/harness/captureInputs";
import { APP_ID, COMPONENT_ID, RELEASE_PLAN_ID, jobSpec, releaseSpec } from "../test/harness/world";
import { record } from "./report";

/** Records the rows; returns the registered resources, whose inputs the host's cold start replays. */
export const benchProviderSize = async () => {
  const registered = await captureInputs(() => [
    new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never),
    new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never),
  ]);
  for (const r of registered) {
    const bytes = Buffer.byteLength(String(r.inputs.__provider));
    const name = r.type.split(":").pop() as string;
    record(`__provider bytes (${name})`, `${bytes} B`, "<= 3072 B", bytes <= 3072, bytes);
  }
  return registered;
};
