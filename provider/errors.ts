/**
 * Every error class of the provider, in one place:
 * - InputError: a spec that breaks a page's rule (check reports the same as CheckFailures);
 * - SettingsError: a missing or half-given setting (region, project, credentials);
 * - JobFailedError: a redeploy job that ended in failure or outlived its timeout;
 * - InitFailedError: ServiceStage accepted the change, and it did not finish: the new state
 *   goes to the engine with the error (Pulumi's partial failure);
 * - ServiceStageError: anything that goes wrong talking to ServiceStage.
 *
 * ServiceStageError is the one type for what goes wrong talking to ServiceStage. Its message
 * says what failed (method and path), what the server said (status, error_code,
 * error_msg) and the request id Huawei support asks for, and never a credential: the
 * axios error (which embeds the request config and headers) is never kept.
 */
/** `malformed`: a 2xx whose body is not JSON (a broken proxy, a cut answer): retried like a network failure. `decode`: valid JSON of the wrong shape: not retried. */
export type FailureKind = "http" | "network" | "timeout" | "malformed" | "decode";

export interface ServiceStageErrorDetails {
  kind: FailureKind;
  method: string;
  path: string;
  status?: number;
  errorCode?: string;
  errorMessage?: string;
  requestId?: string;
  attempts: number;
  detail?: string;
  /** What led to it, when that is safe to keep (never an axios error: it holds the request headers). */
  cause?: unknown;
}

export class ServiceStageError extends Error {
  readonly kind: FailureKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestId?: string;
  readonly attempts: number;

  constructor(d: ServiceStageErrorDetails) {
    super(describeFailure(d), d.cause === undefined ? undefined : { cause: d.cause });
    this.name = "ServiceStageError";
    this.kind = d.kind;
    this.method = d.method;
    this.path = d.path;
    this.status = d.status;
    this.errorCode = d.errorCode;
    this.errorMessage = d.errorMessage;
    this.requestId = d.requestId;
    this.attempts = d.attempts;
  }
}

const describeFailure = (d: ServiceStageErrorDetails): string => {
  const parts = [`${d.method} ${d.path} failed`];
  if (d.status !== undefined) parts.push(`HTTP ${d.status}`);
  if (d.errorCode !== undefined) parts.push(d.errorCode);
  if (d.errorMessage !== undefined) parts.push(quote(d.errorMessage));
  if (d.detail !== undefined) parts.push(d.detail);
  if (d.requestId !== undefined) parts.push(`request id ${d.requestId}`);
  if (d.attempts > 1) parts.push(`after ${d.attempts} attempts`);
  return parts.join(": ").replace(/: (HTTP|request id|after)/g, ", $1");
};

/** A secret as an echo may spell it: as is, and escaped inside a JSON string once or twice (a body echoed in a JSON error). */
const spellings = (secret: string): string[] => {
  const once = JSON.stringify(secret).slice(1, -1);
  return [JSON.stringify(once).slice(1, -1), once, secret];
};

/** Replaces every occurrence of a secret with a marker. The last line of defence: servers echo bodies. */
export const redact = (text: string, secrets: readonly string[]): string =>
  secrets
    .filter((s) => s.length >= 4)
    .flatMap(spellings)
    .reduce((acc, s) => acc.split(s).join("[REDACTED]"), text);

/** Longer values are cut: a message names a value, it does not reproduce it. */
const QUOTED_MAX = 300;
/**
 * A value a user or a file supplied (a path, a name, a URL), as a message shows it: in
 * double quotes, with every control character escaped (JSON's escapes, and also C1 controls,
 * line and paragraph separators and bidirectional overrides, which JSON leaves as they are),
 * so that no value can start a line of its own in a CI log (`::error ...`) or a PR comment.
 */
export const quote = (value: string): string => {
  const cut = value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}...` : value;
  return escapeControls(JSON.stringify(cut));
};

/** A character that can move a terminal's cursor or end a line, or reorder what is shown (bidirectional controls). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, "g");
/** Text with every control character as a `\uXXXX` escape: for names that are shown unquoted, such as a property path's keys. */
export const escapeControls = (text: string): string => text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/**
 * A job that ended FAILED (CANCELLED, ...) or is still going after the timeout or a
 * cancel: its id, status (TIMED_OUT and WAIT_CANCELLED for a job still going), the last
 * status ServiceStage reported, and the failing tasks' messages.
 */
export class JobFailedError extends Error {
  constructor(
    readonly jobId: string,
    readonly status: string,
    readonly taskMessages: string[],
    detail: string,
    readonly lastSeen: string = status,
  ) {
    super(`job ${jobId} ${detail}${taskMessages.length > 0 ? `: ${taskMessages.join("; ")}` : ""}`);
    this.name = "JobFailedError";
  }
}

/**
 * Pulumi's partial failure: the operation failed after ServiceStage accepted it, so the
 * engine must record the new state (`id`, `properties`) with the error, instead of
 * keeping the old one. The dynamic-provider host reads these three fields and sends
 * `pulumirpc.ErrorResourceInitFailed`; the plugin sends the same (plugin/server.ts).
 * The engine then runs an update on the next `pulumi up` even when the program did not
 * change, and that update settles the recorded job.
 */
export class InitFailedError extends Error {
  readonly reasons: string[];
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(message);
    this.name = "InitFailedError";
    this.reasons = [message];
  }
}
