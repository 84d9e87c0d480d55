/**
 * How much the bench measures: a full run, or with BENCH_QUICK=1 a smoke check with fewer
 * runs and smaller stacks (its results go to results.quick.json, never over the full run's).
 */
export const QUICK = process.env.BENCH_QUICK === "1";
/** Runs of each in-process figure (the host's cold start, check + diff throughput). */
export const RUNS = QUICK ? 2 : 5;
/** Runs of each figure through the engine, which costs seconds a run. */
export const ENGINE_RUNS = QUICK ? 1 : 3;
/** The stack sizes of the dynamic resources' engine figures. */
export const SIZES = QUICK ? [1, 10] : [1, 50, 200];
/** The stack size of the native plugin's figures: one of SIZES, so that the dynamic resources' figures at the same size come from this run too. */
export const PLUGIN_SIZE = QUICK ? 10 : 50;
/** Pairs of plugin starts (exec to port printed), ours and the no-op plugin's. */
export const COLD_START_RUNS = QUICK ? 3 : 9;
