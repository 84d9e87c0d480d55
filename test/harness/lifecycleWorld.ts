/**
 * The set-up of the lifecycle tests (lifecycle, jobComponent, releasePlan), in-process
 * against the emulator: before each test, an emulator seeded with the small world
 * (world.ts) whose jobs take 30 ms, the stack's settings pointing at it with a token, and
 * the progress messages kept. `lifecycleWorld()` registers each test's set-up and
 * tear-down and hands out the helpers.
 */
import { Emulator, startEmulator } from "../../emulator/server";
import { setStackSettings } from "../../provider/providerState";
import { setProgressSink } from "../../provider/progress";
import { PROJECT_ID, TOKEN, seed } from "./world";

export interface LifecycleWorld {
  /** This test's emulator. */
  readonly emulator: Emulator;
  /** This test's progress messages, in order. */
  readonly progress: string[];
  /** The requests the emulator received, as `METHOD path` under the project's `/cas`, job ids as `JOB`. */
  calls(): string[];
}

export const lifecycleWorld = (): LifecycleWorld => {
  let emulator: Emulator | undefined;
  const progress: string[] = [];

  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
    progress.length = 0;
    setProgressSink((m) => progress.push(m));
  });
  afterEach(() => emulator?.close());

  const the = (): Emulator => {
    if (emulator === undefined) throw new Error("the lifecycle world's emulator runs inside a test only");
    return emulator;
  };

  return {
    get emulator() {
      return the();
    },
    progress,
    calls: () =>
      the()
        .requests()
        .map((r) => `${r.method} ${r.path.replace(`/v3/${PROJECT_ID}/cas`, "").replace(/JOB[\w-]+/, "JOB")}`),
  };
};
