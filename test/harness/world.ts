/**
 * A small ServiceStage world for tests: one project, a job component, a release task,
 * and the camelCase specs a program would declare for them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Seed } from "../../emulator/server";
import { parseSeed } from "../../emulator/state";
import { jobPageExample } from "../fixtures/specs";
import { jobPageExampleWire, releasePlanWire } from "../fixtures/wire";

export const PROJECT_ID = "0a1b2c3d4e5f";
export const APP_ID = "app-demo";
export const COMPONENT_ID = "comp-job";
/** The component as the client addresses it. */
export const COMPONENT = { applicationId: APP_ID, componentId: COMPONENT_ID };
export const RELEASE_PLAN_ID = "bb09c189-d17e-480a-a0e4-3a102b3795b0";
export const TOKEN = "test-token-6f1d2c9a";
export const ACCESS_KEY = "TESTAKEXAMPLE";
export const SECRET_KEY = "test-secret-key-a8e3f9";

/** The redeploy page's example request, in camelCase. */
export const jobSpec = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ ...jobPageExample(), ...overrides });

const releaseComponent = (seq: number, componentId: string, name: string, deployStrategy: Record<string, unknown>) => ({
  seq,
  componentId,
  name,
  environmentId: "env-prod",
  runtimeStack: { name: "OpenJDK17", version: "17.0.1", type: "Java", deployMode: "container" },
  source: { kind: "image", url: "swr.cn-north-4.myhuaweicloud.com/demo/app:1.0.0", storage: "swr" },
  version: "1.0.0",
  replica: 2,
  referResources: [{ id: "cce-cluster-1", type: "cce", parameters: { namespace: "default" } }],
  deployStrategy,
});

/** A two-batch release task: a gray release, then a rolling release. */
export const releaseSpec = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: "release-2025-q3",
  desc: "two batches",
  failStrategy: "stop",
  components: [
    releaseComponent(1, "comp-api", "api", {
      type: "GrayRelease",
      grayRelease: { type: "WEIGHT", firstBatchWeight: 20, firstBatchReplica: 1, remainingBatch: 2 },
    }),
    releaseComponent(2, "comp-web", "web", { type: "RollingRelease", rollingRelease: { batches: 2 } }),
  ],
  ...overrides,
});

export const seed = (): Seed => ({
  projectId: PROJECT_ID,
  components: [{ applicationId: APP_ID, componentId: COMPONENT_ID, spec: jobPageExampleWire() }],
  releasePlans: [{ releasePlanId: RELEASE_PLAN_ID, plan: releasePlanWire() }],
});

/** The fleet test program's components comp-00 ... with the names it declares (job-comp-00 ...), plus the release task. */
export const fleetSeed = (count: number): Seed => ({
  ...seed(),
  components: Array.from({ length: count }, (_, i) => {
    const componentId = `comp-${String(i).padStart(2, "0")}`;
    return { applicationId: APP_ID, componentId, spec: { ...jobPageExampleWire(), name: `job-${componentId}` } };
  }),
});

export const jobComponentInputs = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  applicationId: APP_ID,
  componentId: COMPONENT_ID,
  ...jobSpec(),
  ...overrides,
});

export const releasePlanInputs = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  releasePlanId: RELEASE_PLAN_ID,
  ...releaseSpec(),
  ...overrides,
});

/** The emulator's example world (emulator/seed.example.json), which the examples and the demo address. */
export const exampleSeed = (): Seed => parseSeed(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "emulator", "seed.example.json"), "utf8")));

/** A second project with one component (`comp-other`), for the examples' explicit provider, which reaches its own project. */
export const OTHER_PROJECT_ID = "0f1e2d3c4b5a";
export const otherProjectSeed = (): Seed => ({
  projectId: OTHER_PROJECT_ID,
  components: [{ applicationId: APP_ID, componentId: "comp-other", spec: { ...jobPageExampleWire(), name: "other" } }],
  releasePlans: [],
});
