/**
 * The codecs of a release task's run (provider/codecs/releaseTask.ts) on answers shaped as
 * Huawei's pages show them (servicestage_06_0232's example, the tables of 0233 and 0234,
 * the SDK's ComponentList), with what live answers add or leave out.
 */
import { isLeft, isRight } from "fp-ts/Either";
import {
  ComponentListResponse,
  DeployInfoResponse,
  RELEASE_TASK_ACTIONS,
  ReleaseTaskResponse,
  batchesOf,
  executedSince,
  jobIdOf,
  releaseTaskPhase,
  rollbackJobIdOf,
  runHasEnded,
} from "../../provider/codecs/releaseTask";

const decoded = <A>(result: { _tag: "Left" } | { _tag: "Right"; right: A }): A => {
  if (result._tag === "Left") throw new Error("did not decode");
  return result.right;
};

/** The list page's example entry (servicestage_06_0232), with the GET's fields (0233 Table 3). */
const taskAnswer = (): Record<string, unknown> => ({
  name: "release-1zws2j",
  id: "4cf4d39e-c11a-41b0-82eb-30defc376d52",
  action: "create",
  create_time: 1711952860132,
  modify_time: 0,
  status: "SUCCESS",
  creator: "wzh",
  execute_time: 1711952860379,
  swimlane_id: "",
  desc: "",
  fail_strategy: "stop",
  components: [
    { seq: 1, component_id: "comp-api", name: "demo-api", version: "1.0.0", environment_id: "env-demo", replica: 2 },
    { seq: 2, component_id: "comp-web", name: "demo-web", version: "1.0.0" },
  ],
});

/** Table 4 of the deploy-info page, every field set as its types say. */
const deployInfoAnswer = (): Record<string, unknown> => ({
  id: "4cf4d39e-c11a-41b0-82eb-30defc376d52",
  components: [
    {
      job_id: "JOB0b9d2c",
      status: "SUCCESS",
      job_status: "SUCCEEDED",
      name: "demo-api",
      id: "comp-api",
      seq: "1",
      version: "1.0.0",
      rollback_job_id: "JOB77aa01",
      start_time: 1711952860379,
      end_time: 1711952890012,
      rollback_job_status: "FAILED",
      rollback_start_time: "1711953000000",
      rollback_end_time: "1711953030000",
      fail_message: "",
      rollback_fail_message: "rollback refused",
    },
    { status: "CREATED", job_status: "CREATED", name: "demo-web", id: "comp-web", seq: "2", version: "1.0.0" },
  ],
});

describe("ReleaseTaskResponse (servicestage_06_0233)", () => {
  it("decodes the page's answer: status, execute_time in ms, components with their batch", () => {
    const task = decoded(ReleaseTaskResponse.decode(taskAnswer()));
    expect(task).toMatchObject({ status: "SUCCESS", execute_time: 1711952860379, modify_time: undefined, action: "create" });
    expect(task.components?.map((c) => [c.component_id, c.seq])).toEqual([
      ["comp-api", 1],
      ["comp-web", 2],
    ]);
    // What a run does not read passes through untouched.
    expect((task.components?.[0] as Record<string, unknown>).replica).toBe(2);
    expect((task as Record<string, unknown>).creator).toBe("wzh");
  });

  it("takes extra keys, a seq or a time as a string, and leaves out what is missing", () => {
    const answer = { status: "RUNNING", execute_time: "1711952860379", components: [{ component_id: "c", seq: "3", future: { x: 1 } }], lane: {} };
    const task = decoded(ReleaseTaskResponse.decode(answer));
    expect(task).toMatchObject({ status: "RUNNING", execute_time: 1711952860379, components: [{ component_id: "c", seq: 3 }] });
    expect(decoded(ReleaseTaskResponse.decode({ status: "CREATED" })).components).toBeUndefined();
    expect(decoded(ReleaseTaskResponse.decode({ status: "CREATED", execute_time: 0, name: null })).execute_time).toBeUndefined();
  });

  it("needs a status, and refuses a component without its id or a time that is not one", () => {
    expect(isLeft(ReleaseTaskResponse.decode({ id: "x" }))).toBe(true);
    expect(isLeft(ReleaseTaskResponse.decode({ status: "SUCCESS", components: [{ seq: 1 }] }))).toBe(true);
    expect(isLeft(ReleaseTaskResponse.decode({ status: "SUCCESS", execute_time: "yesterday" }))).toBe(true);
  });

  it("executedSince: an execution accepted at or after the moment, read from execute_time", () => {
    const task = decoded(ReleaseTaskResponse.decode(taskAnswer()));
    expect(executedSince(task, 1711952860379)).toBe(true);
    expect(executedSince(task, 1711952860380)).toBe(false);
    expect(executedSince(decoded(ReleaseTaskResponse.decode({ status: "CREATED", execute_time: 0 })), 0)).toBe(false);
  });
});

describe("the task's status", () => {
  it.each([
    ["CREATED", "notStarted", false],
    ["RUNNING", "going", false],
    ["ROLLBACKING", "going", false],
    ["SUCCESS", "succeeded", true],
    ["FAILED", "failed", true],
    ["ABORTED", "aborted", true],
    ["ROLLBACK_SUCCEED", "rolledBack", true],
    ["ROLLBACK_FAILED", "rollbackFailed", true],
    ["success", "succeeded", true],
    ["SUSPENDING", "unknown", false],
    [undefined, "unknown", false],
  ] as const)("%s is %s (ended: %s)", (status, phase, ended) => {
    expect(releaseTaskPhase(status)).toBe(phase);
    expect(runHasEnded(status)).toBe(ended);
  });
});

describe("DeployInfoResponse (servicestage_06_0234)", () => {
  it("decodes every field of Table 4: seq a String, start_time a Long, rollback times Strings", () => {
    const info = decoded(DeployInfoResponse.decode(deployInfoAnswer()));
    const [api, web] = info.components;
    expect(api).toMatchObject({
      id: "comp-api",
      seq: 1,
      status: "SUCCESS",
      job_status: "SUCCEEDED",
      start_time: 1711952860379,
      end_time: 1711952890012,
      rollback_start_time: 1711953000000,
      rollback_end_time: 1711953030000,
      rollback_fail_message: "rollback refused",
    });
    expect([jobIdOf(api), rollbackJobIdOf(api)]).toEqual(["JOB0b9d2c", "JOB77aa01"]);
    expect([jobIdOf(web), rollbackJobIdOf(web), web.start_time]).toEqual([undefined, undefined, undefined]);
  });

  it("reads no job from an empty or null job_id, and no time from an empty or zero one", () => {
    const info = decoded(
      DeployInfoResponse.decode({
        components: [
          { id: "c", seq: 1, job_id: "", rollback_job_id: null, start_time: 0, end_time: null, rollback_start_time: "", status: "NEW_VALUE", extra: [1] },
        ],
      }),
    );
    expect(info.id).toBeUndefined();
    expect(info.components[0]).toMatchObject({ seq: 1, status: "NEW_VALUE", start_time: undefined, end_time: undefined, rollback_start_time: undefined });
    expect([jobIdOf(info.components[0]), rollbackJobIdOf(info.components[0])]).toEqual([undefined, undefined]);
  });

  it("needs the components and each one's id", () => {
    expect(isLeft(DeployInfoResponse.decode({ id: "x" }))).toBe(true);
    expect(isLeft(DeployInfoResponse.decode({ components: [{ seq: "1", job_id: "JOB1" }] }))).toBe(true);
    expect(isLeft(DeployInfoResponse.decode({ components: [{ id: "c", job_id: 7 }] }))).toBe(true);
  });

  it("batchesOf: ascending seq, answer order within a batch, no seq last", () => {
    const info = decoded(DeployInfoResponse.decode({ components: [{ id: "web", seq: "2" }, { id: "odd" }, { id: "api", seq: "1" }, { id: "db", seq: 1 }] }));
    expect(batchesOf(info.components).map((b) => b.map((c) => c.id))).toEqual([["api", "db"], ["web"], ["odd"]]);
  });
});

describe("ComponentListResponse (the SDK's ShowComponentsInApplicationResponse)", () => {
  it("decodes count and components with their status, extra fields passing", () => {
    const answer = {
      count: 1,
      components: [
        {
          id: "comp-api",
          name: "demo-api",
          application_id: "app-demo",
          application_name: "demo",
          environment_id: "env-demo",
          version: "1.0.0",
          platform_type: "cce",
          status: { component_status: "RUNNING", last_job_id: "JOB1", update_time: "1711952860379" },
        },
      ],
    };
    const list = decoded(ComponentListResponse.decode(answer));
    expect(list.components[0]).toMatchObject({ id: "comp-api", status: { last_job_id: "JOB1", update_time: 1711952860379 }, platform_type: "cce" });
    expect(isRight(ComponentListResponse.decode({ components: [] }))).toBe(true);
    expect(isLeft(ComponentListResponse.decode({ count: 1 }))).toBe(true);
  });
});

it("the actions are POSTs to their own path segment", () => {
  expect(RELEASE_TASK_ACTIONS).toEqual({ execute: "execute", rollback: "rollback", abort: "abort" });
});
