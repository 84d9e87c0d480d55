/**
 * Waiting on the emulator's jobs from a test: the job page's statuses of a job still
 * going, and a wait (with a deadline, so that a test fails instead of hanging) until a
 * component's last job has ended.
 */
import type { Emulator } from "../../emulator/server";

/** SUBMITTED, SCHEDULED, RUNNING, ROLLBACKING: a job that has not ended (servicestage_06_0190). */
export const GOING_STATUSES: readonly string[] = ["SUBMITTED", "SCHEDULED", "RUNNING", "ROLLBACKING"];

export const lastJobEnded = async (emulator: Emulator, applicationId: string, componentId: string, ms = 60_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (GOING_STATUSES.includes(emulator.getComponent(applicationId, componentId)?.lastJobStatus ?? "")) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the last job of ${applicationId}/${componentId} to end`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
