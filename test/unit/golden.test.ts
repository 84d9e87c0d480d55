/**
 * Golden tests of what goes on the wire, against the pages as printed (docs/api), and of
 * the emulator's own validation, which reads the pages rather than our codecs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { requestBodyIssues } from "../../emulator/pages";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { setProgressSink } from "../../provider/progress";
import { setStackSettings } from "../../provider/providerState";
import { jobPageExampleVerbatim } from "../fixtures/specs";
import { jobPageExampleWire, releasePlanWire } from "../fixtures/wire";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, releaseSpec, seed } from "../harness/world";

const page = (name: string) => fs.readFileSync(path.join(__dirname, "..", "..", "docs", "api", `${name}.txt`), "utf8");
/** The JSON printed under "Example Request" on a page. */
const exampleRequest = (text: string): unknown => {
  const after = text.slice(text.indexOf("Example Request"));
  return JSON.parse(after.slice(after.indexOf("{"), after.indexOf("Example Response")).trim());
};
const withoutNulls = (v: unknown): string => JSON.stringify(v, (_k, x) => (x === null ? undefined : x));

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 10 });
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  setProgressSink(() => undefined);
});
afterEach(() => emulator.close());

test("the redeploy page's example request, declared in camelCase, goes out byte for byte as the page prints it (nulls aside)", async () => {
  const printed = exampleRequest(page("redeploy-job-component"));
  expect(printed).toEqual(jobPageExampleWire()); // the literal fixture is the page's example
  const checked = await jobComponentProvider.check({}, { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobPageExampleVerbatim() });
  expect(checked.failures).toEqual([]);
  await jobComponentProvider.create(checked.inputs as Record<string, unknown>);
  const [put] = emulator.requests().filter((r) => r.method === "PUT");
  expect(put.path).toBe(`/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`);
  expect(put.rawBody).toBe(withoutNulls(printed));
});

test("the release page's example (it prints the task id, no body): the edit goes to that path, with the body declared", async () => {
  const text = page("edit-release-plan");
  const example = text.slice(text.indexOf("Example Request"), text.indexOf("Example Response"));
  const id = /release task whose ID is ([0-9a-f-]{36})/.exec(example)?.[1] as string;
  expect(id).toBe("bb09c189-d17e-480a-a0e4-3a102b3795b0");
  const checked = await releasePlanProvider.check({}, { releasePlanId: id, ...releaseSpec() });
  await releasePlanProvider.create(checked.inputs as Record<string, unknown>);
  const [put] = emulator.requests().filter((r) => r.method === "PUT");
  expect(put.path).toBe(`/v3/${PROJECT_ID}/cas/release-plans/${id}`);
  expect(put.rawBody).toBe(JSON.stringify(releasePlanWire()));
});

describe("the emulator validates requests from the pages, in ServiceStage's terms", () => {
  test("the pages' example and the fixtures are valid", () => {
    expect(requestBodyIssues("redeploy-job-component", exampleRequest(page("redeploy-job-component")))).toEqual([]);
    expect(requestBodyIssues("edit-release-plan", releasePlanWire())).toEqual([]);
  });

  test.each([
    ["a camelCase key", { ...jobPageExampleWire(), runtimeStack: {} }, "runtimeStack: is not a parameter of Table 3"],
    ["a missing mandatory field", { ...jobPageExampleWire(), replica: undefined }, "replica: is required"],
    ["a wrong type", { ...jobPageExampleWire(), replica: "1" }, "replica: must be an integer (Integer)"],
    [
      "a nested misspelling",
      { ...jobPageExampleWire(), runtime_stack: { name: "OpenJDK8", version: "1.1.1", type: "Java", deployMode: "virtualmachine" } },
      "runtime_stack.deploy_mode: is required",
    ],
    [
      "a nested unknown key",
      { ...jobPageExampleWire(), task_setting: { parallelism: 1, completionMode: "Indexed" } },
      "task_setting.completionMode: is not a parameter of Table 39",
    ],
    ["the version pattern", { ...jobPageExampleWire(), version: "1.0" }, "version: must match ^([0-9]+)(.[0-9]+){2,3}$"],
    ["a description over 128 characters", { ...jobPageExampleWire(), description: "d".repeat(129) }, "description: must be at most 128 characters"],
  ])("a redeploy with %s is refused with SVCSTG.00100400 naming the snake_case field", async (_name, body, message) => {
    const res = await fetch(`${emulator.url}/v3/${PROJECT_ID}/cas/applications/${APP_ID}/components/${COMPONENT_ID}/redeployment`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-auth-token": TOKEN },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error_code: string; error_msg: string };
    expect(answer.error_code).toBe("SVCSTG.00100400");
    expect(answer.error_msg).toContain(message);
  });

  test("a release edit with the job page's spelling config_id is refused: the release page says conifg_id", () => {
    const plan = releasePlanWire();
    (plan.components as Array<Record<string, unknown>>)[0].configs = [{ config_id: "cfg-1", mount_path: "/etc/app" }];
    expect(requestBodyIssues("edit-release-plan", plan)).toEqual([
      "components[0].configs[0].conifg_id: is required",
      "components[0].configs[0].config_id: is not a parameter of Table 40",
    ]);
  });
});
