/**
 * Processes a killed `pulumi` CLI leaves behind. The CLI starts its language host and
 * provider hosts in process groups of their own, so killing the CLI's group leaves them
 * running (docs/api/NOTES.md, "A killed CLI"); a provider host waiting for a job keeps
 * polling. Tests list them by parent process id before the kill and end them after it.
 */
import * as fs from "node:fs";

/** Parent pid of every live process, read from /proc. */
const parents = (): Map<number, number> => {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the command name in parentheses (which may hold spaces).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return map;
};

/** Every live descendant of `pid`, children first. */
export const descendants = (pid: number): number[] => {
  const byParent = new Map<number, number[]>();
  for (const [child, parent] of parents()) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of byParent.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILLs each process (and anything it started since), then waits until they are gone. */
export const killAll = async (pids: readonly number[]): Promise<void> => {
  const all = [...new Set([...pids, ...pids.flatMap(descendants)])];
  for (const pid of all) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + 10_000;
  while (all.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};
