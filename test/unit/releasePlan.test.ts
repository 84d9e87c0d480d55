/**
 * provider/resources/releasePlan.ts: the ReleasePlan lifecycle in-process against the
 * emulator: check, create, update, read and delete, with the HTTP calls each one makes,
 * and the release page's own spellings on the wire. Running a release task:
 * releaseRun.test.ts; what every resource shares: lifecycle.test.ts.
 */
import type { Emulator } from "../../emulator/server";
import { releasePlanProvider } from "../harness/providers";
import { lifecycleWorld } from "../harness/lifecycleWorld";
import { RELEASE_PLAN_ID, releasePlanInputs } from "../harness/world";

const world = lifecycleWorld();
const { calls } = world;
let emulator: Emulator;
beforeEach(() => {
  ({ emulator } = world);
});

describe("ReleasePlan", () => {
  test("check, create, update, read, delete", async () => {
    const bad = await releasePlanProvider.check({}, releasePlanInputs({ failStrategy: "retry" }));
    expect(bad.failures).toEqual([{ property: "failStrategy", reason: expect.stringContaining("must be one of: continue, stop") }]);
    const inputs = (await releasePlanProvider.check({}, releasePlanInputs())).inputs;
    const created = await releasePlanProvider.create(inputs);
    expect(created.id).toBe(RELEASE_PLAN_ID);
    expect(calls()).toEqual([`GET /release-plans/${RELEASE_PLAN_ID}`, `PUT /release-plans/${RELEASE_PLAN_ID}`]);
    emulator.clearRequests();
    const news = releasePlanInputs({ desc: "edited" });
    expect(await releasePlanProvider.diff(created.id, created.outs, news)).toMatchObject({ changes: true, replaces: [] });
    await releasePlanProvider.update(created.id, created.outs, news);
    expect(calls()).toEqual([`PUT /release-plans/${RELEASE_PLAN_ID}`]);
    expect(emulator.getReleasePlan(RELEASE_PLAN_ID)?.desc).toBe("edited");
    emulator.putReleasePlan(RELEASE_PLAN_ID, { ...emulator.getReleasePlan(RELEASE_PLAN_ID), fail_strategy: "continue" });
    const read = await releasePlanProvider.read(created.id, news);
    expect(read.props).toMatchObject({ failStrategy: "continue", desc: "edited" });
    emulator.deleteReleasePlan(RELEASE_PLAN_ID);
    expect(await releasePlanProvider.read(created.id, news)).toEqual({});
    emulator.clearRequests();
    await releasePlanProvider.delete(created.id, news);
    expect(emulator.requests()).toHaveLength(0);
  });

  test("the release page's spellings go on the wire: conifg_id and hostname", async () => {
    const component = {
      ...(releasePlanInputs().components as Record<string, unknown>[])[0],
      configs: [{ configId: "cfg-1", mountPath: "/etc/cfg" }],
      hostAliases: [{ ip: "10.0.0.1", hostnames: ["db.local"] }],
    };
    const inputs = (await releasePlanProvider.check({}, releasePlanInputs({ components: [component] }))).inputs;
    await releasePlanProvider.create(inputs);
    const put = emulator.requests().find((r) => r.method === "PUT");
    expect(JSON.stringify(put?.body)).toContain('"conifg_id":"cfg-1"');
    expect(JSON.stringify(put?.body)).toContain('"hostname":["db.local"]');
  });
});
