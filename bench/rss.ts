/**
 * The dynamic-provider host's memory, for the engine figure's peak RSS row: the engine
 * starts the host as a process of its own, so it is read from /proc (Linux only) rather
 * than from this process.
 */
import * as fs from "node:fs";

/** Polls the dynamic-provider host processes' peak RSS (VmHWM) while an operation runs; the returned function stops and returns it (MB). */
export const watchProviderHostRss = (): (() => number) => {
  let peak = 0;
  const sample = () => {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmdline.includes("dynamic-provider")) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {
        // the process ended between listing and reading
      }
    }
  };
  const timer = setInterval(sample, 100);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
};
