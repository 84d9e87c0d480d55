/**
 * The lists ServiceStage keeps as sets (provider/unorderedLists.ts), against an emulator
 * that answers as Huawei's clients show the service answers: it adds inner envs, `TZ`
 * for a timezone and external accesses of its own, and returns sets in an order of its
 * own. Refresh, drift, diff and the lost-answer check must all agree that such a GET
 * carries what was sent, and must still see a change made in the console. The comparison
 * rules on values (provider/compare.ts): compare.test.ts.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { withoutServerItems } from "../../provider/unorderedLists";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobComponentInputs, releasePlanInputs, seed } from "../harness/world";
import { accesses, envs } from "../harness/unorderedItems";

const ID = `${APP_ID}/${COMPONENT_ID}`;
const declared = (overrides: Record<string, unknown> = {}) => jobComponentInputs({ envs, timezone: "Asia/Shanghai", externalAccesses: accesses, ...overrides });

describe("the server's own items, on values", () => {
  test("an import takes no server item; a refresh drops only the marked ones before renaming", () => {
    const wire = {
      envs: [
        { name: "A", value: "1", inner: true },
        { name: "TZ", value: "UTC" },
        { name: "B", value: "2" },
      ],
      external_accesses: [{ protocol: "TCP" }, { protocol: "HTTP" }],
    };
    expect(withoutServerItems(wire, "all")).toEqual({ envs: [{ name: "B", value: "2" }], external_accesses: [{ protocol: "HTTP" }] });
    expect(withoutServerItems(wire, "marked")).toEqual({ envs: wire.envs.slice(1), external_accesses: wire.external_accesses });
  });
});

describe("through the JobComponent lifecycle, against the emulator", () => {
  let emulator: Emulator;
  const redeploys = () => emulator.requests().filter((r) => r.method === "PUT" && r.path.endsWith("/redeployment")).length;
  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
    setProgressSink(() => undefined);
  });
  afterEach(() => emulator.close());

  const deployed = async () => {
    const inputs = (await jobComponentProvider.check({}, declared())).inputs;
    return { inputs, outs: (await jobComponentProvider.create(inputs)).outs as Record<string, unknown> };
  };

  test("envs, a timezone and external accesses: a refresh shows no drift, and the next update makes no call", async () => {
    const { inputs, outs } = await deployed();
    const live = emulator.getComponent(APP_ID, COMPONENT_ID)?.spec;
    expect((live?.envs as unknown[]).length).toBeGreaterThan(envs.length); // the server's own are there
    const read = await jobComponentProvider.read(ID, outs);
    expect(read.inputs).toMatchObject({ envs, timezone: "Asia/Shanghai", externalAccesses: accesses });
    const diff = await jobComponentProvider.diff(ID, read.props, inputs);
    expect(diff.changes).toBe(false);
    emulator.clearRequests();
    await jobComponentProvider.update(ID, read.props, inputs);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("the same envs in another order in the program: no change", async () => {
    const { outs } = await deployed();
    const reordered = (await jobComponentProvider.check(outs, declared({ envs: [...envs].reverse() }))).inputs;
    expect((await jobComponentProvider.diff(ID, outs, reordered)).changes).toBe(false);
  });

  test("an env added in the console, unmarked, is drift: refresh shows it and the next up redeploys once", async () => {
    const { inputs, outs } = await deployed();
    const live = emulator.getComponent(APP_ID, COMPONENT_ID)?.spec ?? {};
    emulator.putComponent(APP_ID, COMPONENT_ID, { ...live, envs: [...(live.envs as unknown[]), { name: "DEBUG", value: "1" }] });
    const read = await jobComponentProvider.read(ID, outs);
    expect(read.inputs?.envs).toEqual([...envs, { name: "DEBUG", value: "1" }]);
    expect((await jobComponentProvider.diff(ID, read.props, inputs)).changes).toBe(true);
    const before = redeploys();
    await jobComponentProvider.update(ID, read.props, inputs);
    expect(redeploys()).toBe(before + 1);
  });

  test("a lost answer on that component: the job our redeploy started is taken, not started again", async () => {
    const { outs } = await deployed();
    emulator.injectFault({ method: "PUT", pathIncludes: "/redeployment", kind: "status", status: 502, afterProcessing: true });
    const news = { ...outs, version: "2025.0601.1" };
    const again = (await jobComponentProvider.update(ID, outs, news)).outs;
    expect(redeploys()).toBe(2);
    expect(emulator.redeployCount(COMPONENT_ID)).toBe(2);
    expect(again).toMatchObject({ jobId: emulator.getComponent(APP_ID, COMPONENT_ID)?.status.last_job_id, jobStatus: "SUCCEEDED" });
  });

  test("an import takes the declared envs and accesses only, none of the server's", async () => {
    await deployed();
    const imported = await jobComponentProvider.read(ID, {});
    expect(imported.inputs?.envs).toEqual([...envs].reverse());
    expect(imported.inputs?.externalAccesses).toEqual([...accesses].reverse());
  });
});

describe("through the ReleasePlan lifecycle", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN });
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
    setProgressSink(() => undefined);
  });
  afterEach(() => emulator.close());

  test("the GET's extra fields (action, status, times, creator) and a seq as an Integer are no drift", async () => {
    const inputs = (await releasePlanProvider.check({}, releasePlanInputs())).inputs;
    const outs = (await releasePlanProvider.create(inputs)).outs;
    const read = await releasePlanProvider.read(inputs.releasePlanId as string, outs);
    expect((await releasePlanProvider.diff(inputs.releasePlanId as string, read.props, inputs)).changes).toBe(false);
  });
});
