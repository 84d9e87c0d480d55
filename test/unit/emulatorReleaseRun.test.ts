/**
 * Running a release task on the emulator over real HTTP: execute, the deploy information,
 * abort and rollback (servicestage_06_0233 to 0236, 0251), faults on them, and an
 * application's components. Jobs last JOB_MS unless a test scripts them; every assertion
 * reads the emulator's clock through its answers, never sleeps for a fixed outcome.
 */
import { request as httpRequest } from "node:http";
import { isRight } from "fp-ts/Either";
import { DeployInfoResponse, ReleaseTaskResponse, ComponentListResponse, runHasEnded } from "../../provider/codecs/releaseTask";
import { Emulator, Seed, startEmulator } from "../../emulator/server";

const PROJECT = "0a1b2c3d4e5f";
const APP = "app-demo";
const PLAN = "plan-run";
const TOKEN = "emulator-token";
const JOB_MS = 300;

type Wire = Record<string, unknown>;

/** A plan entry and the component it deploys, as the edit page's Table 4 has it. */
const entry = (seq: number, componentId: string, name: string, version = "2.0.0"): Wire => ({
  seq,
  component_id: componentId,
  name,
  runtime_stack: { name: "OpenJDK17", version: "1.0.0", type: "Java", deploy_mode: "container" },
  environment_id: "env-demo",
  source: { kind: "image", storage: "swr", url: `swr.cn-north-4.myhuaweicloud.com/demo/${name}:${version}` },
  version,
  replica: 1,
  refer_resources: [{ id: "cce-cluster-demo", type: "cce", parameters: { namespace: "default" } }],
});
const installed = (e: Wire): Wire => {
  const { seq: _seq, component_id: _id, ...spec } = e;
  return { ...spec, version: "1.0.0" };
};

/** Batch 1: api and db together; batch 2: web. */
const ENTRIES = [entry(1, "comp-api", "demo-api"), entry(1, "comp-db", "demo-db"), entry(2, "comp-web", "demo-web")];
const seed = (failStrategy: "stop" | "continue" = "stop", entries = ENTRIES): Seed => ({
  projectId: PROJECT,
  components: ENTRIES.map((e) => ({ applicationId: APP, componentId: String(e.component_id), spec: installed(e) })),
  releasePlans: [{ releasePlanId: PLAN, plan: { name: "release-run", desc: "", fail_strategy: failStrategy, components: entries } }],
});

interface Answer {
  status: number;
  text: string;
  json: any;
}

let emu: Emulator;
afterEach(async () => {
  await emu?.close();
});
const start = async (s: Seed = seed()): Promise<void> => {
  emu = await startEmulator({ seed: s, jobDurationMs: JOB_MS });
};

/** Resolves with the answer, rejects when the connection dies without one. */
function call(method: string, path: string, query?: Record<string, string>): Promise<Answer> {
  const search = query ? `?${new URLSearchParams(query).toString()}` : "";
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${emu.url}${path}${search}`,
      { method, headers: { "Content-Type": "application/json", "X-Auth-Token": TOKEN }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const planPath = `/v3/${PROJECT}/cas/release-plans/${PLAN}`;
const execute = () => call("POST", `${planPath}/execute`);
const abort = () => call("POST", `${planPath}/abort`);
const rollback = () => call("POST", `${planPath}/rollback`);
const task = async (): Promise<Wire> => (await call("GET", planPath)).json;
const deployInfo = async (): Promise<Record<string, Wire>> => {
  const answer = await call("GET", `${planPath}/deploy-info`);
  expect(answer.status).toBe(200);
  expect(isRight(DeployInfoResponse.decode(answer.json))).toBe(true);
  return Object.fromEntries((answer.json.components as Wire[]).map((c) => [String(c.id), c]));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the task until its run has ended (or its rollback), and returns its last answer. */
async function settled(): Promise<Wire> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(20)) {
    const answer = await task();
    if (runHasEnded(String(answer.status))) return answer;
  }
  throw new Error("the release task never ended");
}

describe("executing a release task", () => {
  it("runs batch by batch to SUCCESS, the deploy information naming each component's job", async () => {
    await start();
    const before = Date.now();
    const executed = await execute();
    expect(executed).toMatchObject({ status: 200, text: "" });

    const running = await task();
    expect(isRight(ReleaseTaskResponse.decode(running))).toBe(true);
    expect(running).toMatchObject({ id: PLAN, status: "RUNNING", action: "upgrade" });
    expect(running.execute_time).toBeGreaterThanOrEqual(before);
    const first = await deployInfo();
    expect(first["comp-api"]).toMatchObject({ seq: "1", status: "CREATED", job_status: "RUNNING", job_id: expect.stringMatching(/^JOB/), end_time: 0 });
    expect(first["comp-web"]).toMatchObject({ seq: "2", status: "CREATED", job_status: "CREATED", start_time: 0 });
    expect(first["comp-web"].job_id).toBeUndefined();

    expect((await settled()).status).toBe("SUCCESS");
    const done = await deployInfo();
    for (const id of ["comp-api", "comp-db", "comp-web"])
      expect(done[id]).toMatchObject({ status: "SUCCESS", job_status: "SUCCEEDED", version: "2.0.0", end_time: expect.any(Number) });
    // The second batch started the moment the first one's last job ended.
    expect(done["comp-web"].start_time).toBe(Math.max(Number(done["comp-api"].end_time), Number(done["comp-db"].end_time)));
    const web = await call("GET", `/v3/${PROJECT}/cas/applications/${APP}/components/comp-web`);
    expect(web.json).toMatchObject({ version: "2.0.0", status: { component_status: "RUNNING", last_job_id: done["comp-web"].job_id } });
    const job = await call("GET", `/v3/${PROJECT}/cas/jobs/${String(done["comp-web"].job_id)}`);
    expect(job.json.job.execution_status).toBe("SUCCEEDED");
    expect(emu.releaseExecutionCount(PLAN)).toBe(1);
    expect(emu.redeployCount()).toBe(0);
  });

  it("before any run, lists the plan's components as CREATED, and the task CREATED with execute_time 0", async () => {
    await start();
    expect(await task()).toMatchObject({ status: "CREATED", execute_time: 0 });
    const info = await deployInfo();
    expect(Object.keys(info)).toEqual(["comp-api", "comp-db", "comp-web"]);
    expect(info["comp-db"]).toMatchObject({ status: "CREATED", job_status: "CREATED", seq: "1" });
  });

  it("a slow component holds the next batch until its job ends", async () => {
    await start();
    emu.setJobDuration({ componentId: "comp-db", ms: 700 });
    await execute();
    await sleep(JOB_MS + 100);
    expect((await deployInfo())["comp-web"].job_id).toBeUndefined();
    await settled();
    const info = await deployInfo();
    expect(Number(info["comp-db"].end_time) - Number(info["comp-db"].start_time)).toBe(700);
    expect(info["comp-web"].start_time).toBe(info["comp-db"].end_time);
  });

  it("fail_strategy stop: the failed component's batch finishes, later batches never start, the task FAILED", async () => {
    await start(seed("stop"));
    emu.scriptNextJob("comp-api", { status: "FAILED", messages: ["exit code 3"] });
    await execute();
    expect((await settled()).status).toBe("FAILED");
    const info = await deployInfo();
    expect(info["comp-api"]).toMatchObject({ status: "FAILED", job_status: "FAILED", fail_message: "exit code 3" });
    expect(info["comp-db"]).toMatchObject({ status: "SUCCESS", job_status: "SUCCEEDED" });
    expect(info["comp-web"]).toMatchObject({ status: "ABORTED", job_status: "CREATED" });
    expect(info["comp-web"].job_id).toBeUndefined();
    expect(emu.getComponent(APP, "comp-web")?.spec.version).toBe("1.0.0");
  });

  it("fail_strategy continue: later batches run anyway, and the task is FAILED", async () => {
    await start(seed("continue"));
    emu.scriptNextJob("comp-api", { status: "FAILED", messages: ["exit code 3"] });
    await execute();
    expect((await settled()).status).toBe("FAILED");
    const info = await deployInfo();
    expect(info["comp-api"]).toMatchObject({ status: "FAILED", fail_message: "exit code 3" });
    expect(info["comp-web"]).toMatchObject({ status: "SUCCESS", job_status: "SUCCEEDED", job_id: expect.any(String) });
  });

  it("a component the emulator does not hold fails without a job", async () => {
    await start(seed("continue", [...ENTRIES, entry(2, "comp-gone", "demo-gone")]));
    await execute();
    expect((await settled()).status).toBe("FAILED");
    const gone = (await deployInfo())["comp-gone"];
    expect(gone).toMatchObject({ status: "FAILED", job_status: "FAILED", fail_message: "component comp-gone not found" });
    expect(gone.job_id).toBeUndefined();
  });

  it("refuses to execute or edit a task that runs (400 SVCSTG.00100400), and runs a finished one again", async () => {
    await start();
    await execute();
    const again = await execute();
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error_code: "SVCSTG.00100400", error_msg: expect.stringContaining("being executed") });
    const edit = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${emu.url}${planPath}`,
        { method: "PUT", headers: { "Content-Type": "application/json", "X-Auth-Token": TOKEN }, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ name: "release-run", components: ENTRIES }));
    });
    expect(edit).toBe(400);
    expect(emu.releaseExecutionCount(PLAN)).toBe(1);
    const first = await settled();
    expect((await execute()).status).toBe(200);
    expect((await task()).execute_time).toBeGreaterThan(Number(first.execute_time) - 1);
    expect(emu.releaseExecutionCount(PLAN)).toBe(2);
  });

  it("answers 404 SVCSTG.00100433 for a missing task on every run endpoint", async () => {
    await start();
    for (const [method, suffix] of [
      ["POST", "execute"],
      ["POST", "abort"],
      ["POST", "rollback"],
      ["GET", "deploy-info"],
    ]) {
      const answer = await call(method, `/v3/${PROJECT}/cas/release-plans/nope/${suffix}`);
      expect(answer.status).toBe(404);
      expect(answer.json.error_code).toBe("SVCSTG.00100433");
    }
  });
});

describe("aborting a run", () => {
  it("cancels the jobs under way, never starts the rest, and the task is ABORTED at once", async () => {
    await start();
    emu.scriptNextJob("comp-api", { status: "RUNNING_FOREVER" });
    await execute();
    await sleep(JOB_MS + 50);
    expect((await task()).status).toBe("RUNNING");
    expect(await abort()).toMatchObject({ status: 200, text: "" });
    expect((await task()).status).toBe("ABORTED");
    const info = await deployInfo();
    expect(info["comp-api"]).toMatchObject({ status: "ABORTED", job_status: "FAILED" });
    expect(info["comp-db"]).toMatchObject({ status: "SUCCESS" });
    expect(info["comp-web"]).toMatchObject({ status: "ABORTED", job_status: "CREATED" });
    const job = await call("GET", `/v3/${PROJECT}/cas/jobs/${String(info["comp-api"].job_id)}`);
    expect(job.json.job.execution_status).toBe("CANCELLED");
    const twice = await abort();
    expect(twice.status).toBe(400);
    expect(twice.json.error_code).toBe("SVCSTG.00100400");
  });

  it("refuses to abort a task that never ran", async () => {
    await start();
    expect((await abort()).status).toBe(400);
  });
});

describe("rolling back a run", () => {
  it("puts back what each component ran before, one rollback job per deployed component, recorded in the deploy information", async () => {
    await start();
    expect((await rollback()).status).toBe(400);
    await execute();
    expect((await settled()).status).toBe("SUCCESS");
    emu.setJobDuration({ ms: 400 });
    expect(await rollback()).toMatchObject({ status: 200, text: "" });
    expect((await task()).status).toBe("ROLLBACKING");
    const going = await deployInfo();
    expect(going["comp-api"]).toMatchObject({
      status: "SUCCESS",
      rollback_job_id: expect.stringMatching(/^JOB/),
      rollback_job_status: "RUNNING",
      rollback_end_time: "",
    });
    expect((await settled()).status).toBe("ROLLBACK_SUCCEED");
    const info = await deployInfo();
    for (const id of ["comp-api", "comp-db", "comp-web"]) {
      expect(info[id]).toMatchObject({ status: "ROLLBACK_SUCCEED", rollback_job_status: "SUCCEEDED", job_status: "SUCCEEDED" });
      expect(Number(info[id].rollback_end_time) - Number(info[id].rollback_start_time)).toBe(400);
      expect(emu.getComponent(APP, id)?.spec.version).toBe("1.0.0");
    }
    expect((await rollback()).status).toBe(400);
  });

  it("a failed rollback job: ROLLBACK_FAILED with its message; components the run never deployed get none", async () => {
    await start(seed("stop"));
    emu.scriptNextJob("comp-api", { status: "FAILED" });
    emu.scriptNextJob("comp-db", { status: "SUCCEEDED" });
    emu.scriptNextJob("comp-db", { status: "FAILED", messages: ["rollback refused"] });
    await execute();
    expect((await settled()).status).toBe("FAILED");
    await rollback();
    expect((await settled()).status).toBe("ROLLBACK_FAILED");
    const info = await deployInfo();
    expect(info["comp-db"]).toMatchObject({ status: "ROLLBACK_FAILED", rollback_job_status: "FAILED", rollback_fail_message: "rollback refused" });
    expect(info["comp-api"]).toMatchObject({ status: "ROLLBACK_SUCCEED" });
    expect(info["comp-web"].rollback_job_id).toBeUndefined();
  });
});

describe("faults on the run endpoints", () => {
  it("a lost execute answer: the task still runs, once; settling reads it running, and a second execute is refused", async () => {
    await start();
    emu.injectFault({ kind: "lostAnswer", method: "POST", pathIncludes: "/execute" });
    const before = Date.now();
    await expect(execute()).rejects.toThrow();
    const read = await task();
    expect(read.status).toBe("RUNNING");
    expect(read.execute_time).toBeGreaterThanOrEqual(before);
    expect((await execute()).status).toBe(400);
    expect((await settled()).status).toBe("SUCCESS");
    expect(emu.releaseExecutionCount(PLAN)).toBe(1);
    expect(emu.requests().find((r) => r.path.endsWith("/execute"))).toMatchObject({ status: 0, processedStatus: 200 });
  });

  it("a 5xx after processing ran the task; throttling and a 5xx before it did not", async () => {
    await start();
    emu.injectFault({ kind: "status", status: 429, errorCode: "APIG.0308", method: "POST", pathIncludes: "/execute" });
    emu.injectFault({ kind: "status", status: 503, method: "POST", pathIncludes: "/execute" });
    expect((await execute()).status).toBe(429);
    expect((await execute()).status).toBe(503);
    expect(emu.releaseExecutionCount(PLAN)).toBe(0);
    emu.injectFault({ kind: "status", status: 502, afterProcessing: true, method: "POST", pathIncludes: "/execute" });
    expect((await execute()).status).toBe(502);
    expect(emu.releaseExecutionCount(PLAN)).toBe(1);
    expect((await task()).status).toBe("RUNNING");
  });

  it("a lost abort answer aborted the run", async () => {
    await start();
    emu.scriptNextJob("comp-api", { status: "RUNNING_FOREVER" });
    await execute();
    emu.injectFault({ kind: "lostAnswer", method: "POST", pathIncludes: "/abort" });
    await expect(abort()).rejects.toThrow();
    expect((await task()).status).toBe("ABORTED");
  });

  it("the control API counts executions over HTTP", async () => {
    await start();
    await execute();
    const counted = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${emu.url}/__control/release-plans/${PLAN}/executions`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      });
      req.on("error", reject);
      req.end();
    });
    expect(JSON.parse(counted)).toBe(1);
  });
});

describe("an application's components", () => {
  const listPath = `/v3/${PROJECT}/cas/applications/${APP}/components`;

  it("lists them as the SDK's ComponentList, with their status", async () => {
    await start();
    const answer = await call("GET", listPath);
    expect(answer.status).toBe(200);
    expect(isRight(ComponentListResponse.decode(answer.json))).toBe(true);
    expect(answer.json.count).toBe(3);
    expect(answer.json.components[0]).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      application_id: APP,
      environment_id: "env-demo",
      version: "1.0.0",
      creator: "emulator",
      status: { component_status: "RUNNING" },
    });
  });

  it("pages and orders with limit, offset, order_by and order", async () => {
    await start();
    const page = await call("GET", listPath, { order_by: "name", order: "asc", limit: "1", offset: "1" });
    expect(page.json).toMatchObject({ count: 3, components: [{ name: "demo-db" }] });
    const desc = await call("GET", listPath, { order_by: "name" });
    expect((desc.json.components as Wire[]).map((c) => c.name)).toEqual(["demo-web", "demo-db", "demo-api"]);
    expect((await call("GET", listPath, { limit: "101" })).status).toBe(400);
  });

  it("answers 404 SVCSTG.00100403 for a missing application", async () => {
    await start();
    const answer = await call("GET", `/v3/${PROJECT}/cas/applications/nope/components`);
    expect(answer.status).toBe(404);
    expect(answer.json.error_code).toBe("SVCSTG.00100403");
  });
});
