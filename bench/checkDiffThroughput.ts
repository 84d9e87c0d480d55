/**
 * Check + diff throughput of the JobComponent provider in this process: what every preview
 * pays per resource before any call to ServiceStage, for a realistic spec (against a goal)
 * and the maximal one (information). It loads the built provider (dist/), as the engine's
 * host does.
 */
import * as path from "node:path";
import { jobMaximal, jobPageExample } from "../test/fixtures/specs";
import { repo } from "../test/harness/automation";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN } from "../test/harness/world";
import type { JobComponentInputs } from "../provider/resources/index";
import { RUNS } from "./options";
import { median, record, round } from "./report";

/** The redeploy page's example plus what a job usually sets: about 40 fields in all. */
const realisticSpec = () => ({
  applicationId: APP_ID,
  componentId: COMPONENT_ID,
  ...jobPageExample(),
  envs: [
    { name: "SPRING_PROFILES_ACTIVE", value: "prod" },
    { name: "DB_PASSWORD", valueFrom: { referenceType: "secretKey", name: "db", key: "password" } },
  ],
  timezone: "Asia/Shanghai",
  jvmOpts: "-Xms256m -Xmx1024m",
  limitCpu: 1,
  limitMemory: 2,
  livenessProbe: { type: "http", delay: 30, timeout: 5, scheme: "HTTP", port: 8080, path: "/health" },
});

const countFields = (v: unknown): number =>
  Array.isArray(v)
    ? v.reduce((n: number, x) => n + countFields(x), 0)
    : v !== null && typeof v === "object"
      ? Object.values(v).reduce((n: number, x) => n + 1 + countFields(x), 0)
      : 0;

export const benchCheckDiffThroughput = async () => {
  for (const [label, spec] of [
    ["realistic", realisticSpec()],
    ["maximal", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobMaximal() }],
  ] as const)
    await throughputOf(label, spec);
};

const throughputOf = async (label: string, spec: JobComponentInputs) => {
  const { jobComponentProvider } = require(path.join(repo, "dist", "provider", "index.js")) as typeof import("../provider/index");
  const { setStackSettings } = require(path.join(repo, "dist", "provider", "providerState.js")) as typeof import("../provider/providerState");
  // Check refuses a resource it could not reach, as the up would; it calls nothing.
  setStackSettings({ endpoint: "http://127.0.0.1:9", projectId: PROJECT_ID, authToken: TOKEN });
  const fields = countFields(spec);
  const olds = {
    ...(await jobComponentProvider.check(spec, spec)).inputs,
    applicationId: APP_ID,
    componentId: COMPONENT_ID,
    jobId: "JOB1",
    jobStatus: "SUCCEEDED",
  };
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      const news = { ...spec, replica: n % 7 };
      const checked = await jobComponentProvider.check(olds, news);
      await jobComponentProvider.diff("id", olds, checked.inputs ?? news);
      n++;
    }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  const rate = median(rates);
  const realistic = label === "realistic";
  record(
    `check + diff throughput, ${label} ${fields}-field spec`,
    `${round(rate, 0)} resources/s`,
    realistic ? ">= 20000/s" : "(information)",
    realistic ? rate >= 20000 : null,
    { rates, fields },
  );
};
