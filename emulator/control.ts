/**
 * The control API: what a test can do to a running emulator besides speaking
 * ServiceStage to it. Each control is declared once, in CONTROLS; from that entry come
 * the in-process method (`Controls`, part of the `Emulator` interface, with the entry's
 * doc comment) and its HTTP route under `/__control/` (no auth, not recorded) for an
 * emulator in another process.
 *
 * Over HTTP a control answers 200 with its result as JSON, `{"ok": true}` when it has
 * none, 404 when a GET finds nothing, and 400 when its payload does not decode. A control
 * that throws a ControlError answers with its status (in process, the error is thrown).
 */
import { isLeft } from "fp-ts/Either";
import * as t from "io-ts";
import { PathReporter } from "io-ts/PathReporter";
import { Credentials } from "./auth";
import { IamRequest, IamState, IamWorld } from "./iam";
import { Fault, FaultPayload, FaultQueue, RateLimiter } from "./faults";
import { RecordedRequest, Reply, errorReply, jsonReply, parseJson } from "./http";
import { Pattern, split } from "./routes";
import {
  COMPONENT_FAIL_DETAILS,
  ComponentFailDetail,
  EmulatorState,
  JobOutcome,
  ReportedJobStatus,
  Result,
  SCRIPTED_STATUSES,
  ScriptedStatus,
  Wire,
} from "./state";

/** What the controls act on: the parts of one running emulator. */
export interface EmulatorParts {
  readonly state: EmulatorState;
  readonly log: RecordedRequest[];
  readonly faults: FaultQueue;
  readonly rateLimit: RateLimiter;
  readonly credentials: Credentials;
  readonly settings: { notFoundAs401: boolean };
  readonly iam: IamState;
}

/** A control refused: over HTTP its status and code, in process a thrown error. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ControlError";
  }
}

interface ControlRequest {
  /** The path's `:name` segments. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
}

interface Control<A extends [] | unknown[], R> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Under /__control/; `:name` captures a segment. */
  path: string;
  /** The arguments from an HTTP request; throws ControlError when they cannot be had. */
  args(req: ControlRequest): NoInfer<A>;
  /** The control itself; its parameters (after `parts`) are the in-process method's. */
  run(parts: EmulatorParts, ...args: A): R;
}

/** Keeps the entry's types: the arguments are inferred from `run`'s annotated parameters. */
const control = <A extends [] | unknown[], R>(c: Control<A, R>): Control<A, R> => c;

const noArgs = (): [] => [];

/** The JSON body decoded by `codec`, or a 400. */
function decodeBody<A>(codec: t.Decoder<unknown, A>, body: Buffer): A {
  const parsed = parseJson(body);
  if (!parsed.ok) throw new ControlError(400, "EMULATOR.400", parsed.message);
  const decoded = codec.decode(parsed.value);
  if (isLeft(decoded)) throw new ControlError(400, "EMULATOR.400", PathReporter.report(decoded).join("; "));
  return decoded.right;
}

const WireBody: t.Decoder<unknown, Wire> = t.UnknownRecord;
const milliseconds = t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "NonNegativeMilliseconds");
const ScriptPayload = t.intersection([
  t.type({ componentId: t.string, status: t.keyof(Object.fromEntries(SCRIPTED_STATUSES.map((s) => [s, null])) as Record<ScriptedStatus, null>) }),
  t.partial({
    messages: t.array(t.string),
    durationMs: milliseconds,
    failDetail: t.keyof(Object.fromEntries(COMPONENT_FAIL_DETAILS.map((d) => [d, null])) as Record<ComponentFailDetail, null>),
  }),
]);

/** A state operation's refusal (ServiceStage's own rules), thrown. */
function orThrow<T>(result: Result<T>): T {
  if (!result.ok) throw new ControlError(result.error.status, result.error.code, result.error.message);
  return result.value;
}

const COMPONENT = "components/:app/:component";
const RELEASE_PLAN = "release-plans/:plan";

export const CONTROLS = {
  /** The ServiceStage requests received, oldest first (control requests are not recorded). */
  requests: control({
    method: "GET",
    path: "requests",
    args: noArgs,
    run: (e: EmulatorParts): RecordedRequest[] => e.log.map((r) => structuredClone(r)),
  }),
  clearRequests: control({
    method: "DELETE",
    path: "requests",
    args: noArgs,
    run: (e: EmulatorParts): void => {
      e.log.length = 0;
    },
  }),
  /** Queues a fault for the next matching requests (see Fault). */
  injectFault: control({
    method: "POST",
    path: "faults",
    args: (r) => [decodeBody(FaultPayload, r.body)],
    run: (e: EmulatorParts, fault: Fault): void => {
      try {
        e.faults.inject(fault);
      } catch (error) {
        throw new ControlError(400, "EMULATOR.400", (error as Error).message);
      }
    },
  }),
  clearFaults: control({ method: "DELETE", path: "faults", args: noArgs, run: (e: EmulatorParts): void => e.faults.clear() }),
  /** Beyond it (per sliding second): 429 APIG.0308 with Retry-After: 1. undefined (null over HTTP) = unlimited. */
  setRateLimit: control({
    method: "POST",
    path: "rate-limit",
    args: (r) => [decodeBody(t.partial({ requestsPerSecond: t.union([t.number, t.null]) }), r.body).requestsPerSecond ?? undefined],
    run: (e: EmulatorParts, requestsPerSecond: number | undefined): void => e.rateLimit.set(requestsPerSecond),
  }),
  /** Runtime switch for the "missing answers 401" quirk (a request can also send X-Emulator-Not-Found-As-401: true|false). */
  setNotFoundAs401: control({
    method: "POST",
    path: "not-found-as-401",
    args: (r) => [decodeBody(t.type({ enabled: t.boolean }), r.body).enabled],
    run: (e: EmulatorParts, enabled: boolean): void => {
      e.settings.notFoundAs401 = enabled;
    },
  }),
  /**
   * Scripts the outcome of the component's next job (queued: one call per job), e.g.
   * `{status: "FAILED", messages: [...]}` to make it fail; `durationMs` sets how long that job runs,
   * `failDetail` the component's `status.fail_detail` once it failed (default create_failed).
   * Over HTTP: `{componentId, status, messages?, durationMs?, failDetail?}`.
   */
  scriptNextJob: control({
    method: "POST",
    path: "jobs/script",
    args: (r) => {
      const { componentId, ...outcome } = decodeBody(ScriptPayload, r.body);
      return [componentId, outcome];
    },
    run: (e: EmulatorParts, componentId: string, outcome: JobOutcome): void => e.state.scriptNextJob(componentId, outcome),
  }),
  /**
   * How long jobs started from now on stay RUNNING before their outcome: a component's
   * (given `componentId`), or every component's without one of its own. A scripted
   * `durationMs` wins over both.
   */
  setJobDuration: control({
    method: "POST",
    path: "jobs/duration",
    args: (r) => [decodeBody(t.intersection([t.type({ ms: milliseconds }), t.partial({ componentId: t.string })]), r.body)],
    run: (e: EmulatorParts, duration: { ms: number; componentId?: string }): void => e.state.setJobDuration(duration),
  }),
  /**
   * The stored spec (all of it, what the GET hides too, and what the server added), the
   * status as the GET shows it, and the last job's status; undefined if there is none.
   */
  getComponent: control({
    method: "GET",
    path: COMPONENT,
    args: (r) => [r.params.app, r.params.component],
    run: (e: EmulatorParts, applicationId: string, componentId: string): { spec: Wire; status: Wire; lastJobStatus?: ReportedJobStatus } | undefined =>
      e.state.getComponent(applicationId, componentId),
  }),
  /**
   * A component action from the console (any of state.ts's COMPONENT_ACTIONS: start, stop,
   * restart, scale with `{replica}`, rollback with `{version}` or to the version before,
   * rollback_current, continue_deploy, ...): a job of its own, which becomes the
   * component's last job; not a redeploy (not in redeployCount), not recorded as a
   * request. Refused as ServiceStage refuses it (the last job still running, nothing to
   * roll back to). The same as POST .../action.
   */
  consoleAction: control({
    method: "POST",
    path: `${COMPONENT}/console-action`,
    args: (r) => {
      const { action, parameters } = decodeBody(t.intersection([t.type({ action: t.string }), t.partial({ parameters: t.UnknownRecord })]), r.body);
      return [r.params.app, r.params.component, action, parameters];
    },
    run: (e: EmulatorParts, applicationId: string, componentId: string, action: string, parameters?: Wire): { jobId: string } => ({
      jobId: orThrow(e.state.componentAction(applicationId, componentId, { action, parameters })).job_id,
    }),
  }),
  /** Out of band (the console, another tool), no job: sets the spec, and the status fields given (HTTP: the body is the spec). */
  putComponent: control({
    method: "PUT",
    path: COMPONENT,
    args: (r) => [r.params.app, r.params.component, decodeBody(WireBody, r.body)],
    run: (e: EmulatorParts, applicationId: string, componentId: string, spec: Wire, status?: Wire): void =>
      e.state.putComponent(applicationId, componentId, spec, status),
  }),
  deleteComponent: control({
    method: "DELETE",
    path: COMPONENT,
    args: (r) => [r.params.app, r.params.component],
    run: (e: EmulatorParts, applicationId: string, componentId: string): void => e.state.deleteComponent(applicationId, componentId),
  }),
  /**
   * A redeploy from the console (not from Pulumi, not recorded as a request): `spec`'s
   * fields and `version` over the stored spec, then a job as for a redeploy (it counts in
   * redeployCount). Refused as ServiceStage refuses a redeploy: a missing component, a
   * new name or runtime_stack, the last job still running.
   */
  consoleRedeploy: control({
    method: "POST",
    path: `${COMPONENT}/console-redeploy`,
    args: (r) => [r.params.app, r.params.component, decodeBody(t.partial({ spec: t.UnknownRecord, version: t.string }), r.body)],
    run: (e: EmulatorParts, applicationId: string, componentId: string, change: { spec?: Wire; version?: string }): { jobId: string } =>
      orThrow(e.state.consoleRedeploy(applicationId, componentId, change)),
  }),
  getReleasePlan: control({
    method: "GET",
    path: RELEASE_PLAN,
    args: (r) => [r.params.plan],
    run: (e: EmulatorParts, id: string): Wire | undefined => e.state.getReleasePlan(id),
  }),
  putReleasePlan: control({
    method: "PUT",
    path: RELEASE_PLAN,
    args: (r) => [r.params.plan, decodeBody(WireBody, r.body)],
    run: (e: EmulatorParts, id: string, plan: Wire): void => e.state.putReleasePlan(id, plan),
  }),
  /**
   * How many executions of the release task ServiceStage accepted (POST .../execute that
   * started a run), lost answers included (HTTP: a number). To make a component of a run
   * fail or be slow, script its job (scriptNextJob, setJobDuration): a run's job is the
   * component's next job; a rollback's is the one after.
   */
  releaseExecutionCount: control({
    method: "GET",
    path: `${RELEASE_PLAN}/executions`,
    args: (r) => [r.params.plan],
    run: (e: EmulatorParts, id: string): number => e.state.releaseExecutionCount(id),
  }),
  deleteReleasePlan: control({
    method: "DELETE",
    path: RELEASE_PLAN,
    args: (r) => [r.params.plan],
    run: (e: EmulatorParts, id: string): void => e.state.deleteReleasePlan(id),
  }),
  /** Accepts another permanent AK/SK pair (another IAM user's), besides the emulator's own. */
  addAccessKey: control({
    method: "POST",
    path: "access-keys",
    args: (r) => {
      const { accessKey, secretKey } = decodeBody(t.type({ accessKey: t.string, secretKey: t.string }), r.body);
      return [accessKey, secretKey];
    },
    run: (e: EmulatorParts, accessKey: string, secretKey: string): void => {
      e.credentials.users.set(accessKey, secretKey);
    },
  }),
  /** The IAM and metadata requests received (iam.ts), apart from ServiceStage's. */
  iamRequests: control({ method: "GET", path: "iam/requests", args: noArgs, run: (e: EmulatorParts): IamRequest[] => [...e.iam.log] }),
  /** Changes what IAM knows (projects, identity providers, agencies, lifetimes, metadata): merged over what it knew. */
  configureIam: control({
    method: "POST",
    path: "iam",
    args: (r) => [decodeBody(IamWorld, r.body)],
    run: (e: EmulatorParts, world: IamWorld): void => {
      Object.assign(e.iam.world, world);
    },
  }),
  /** Subsequent requests with the token get 401 APIG.0307; AK/SK keeps working. */
  revokeToken: control({
    method: "POST",
    path: "revoke-token",
    args: noArgs,
    run: (e: EmulatorParts): void => {
      e.credentials.tokenRevoked = true;
    },
  }),
  /** Redeployments that started a job (console ones included), for one component or all (HTTP: `?componentId=`). */
  redeployCount: control({
    method: "GET",
    path: "redeploy-count",
    args: (r) => {
      const componentId = r.query.get("componentId");
      return componentId === null ? [] : [componentId];
    },
    run: (e: EmulatorParts, componentId?: string): number => e.state.redeployCount(componentId),
  }),
  /** Redeployments per component, and how many requests were recorded. */
  stats: control({
    method: "GET",
    path: "stats",
    args: noArgs,
    run: (e: EmulatorParts): { redeploys: Record<string, number>; requests: number } => ({ redeploys: e.state.redeployCounts(), requests: e.log.length }),
  }),
};

/** Every control as an in-process method. */
export type Controls = { [K in keyof typeof CONTROLS]: (typeof CONTROLS)[K] extends Control<infer A, infer R> ? (...args: A) => R : never };

/** Any entry of CONTROLS, for the code that handles them all alike. */
type AnyControl = Control<unknown[], unknown>;
const entries = (): Array<[string, AnyControl]> => Object.entries(CONTROLS);

export function bindControls(parts: EmulatorParts): Controls {
  // The mapped type and the table have the same keys by construction; TypeScript cannot see it through Object.fromEntries.
  return Object.fromEntries(entries().map(([name, c]) => [name, (...args: unknown[]) => c.run(parts, ...args)])) as Controls;
}

export interface ControlRoute extends Pattern {
  handle: (req: ControlRequest) => Reply;
}

export function controlRoutes(parts: EmulatorParts): ControlRoute[] {
  return entries().map(([, c]) => ({
    method: c.method,
    pattern: split(c.path),
    handle: (req) => {
      try {
        const result = c.run(parts, ...c.args(req));
        if (result !== undefined) return jsonReply(200, result);
        return c.method === "GET" ? errorReply(404, "EMULATOR.404", "not found") : jsonReply(200, { ok: true });
      } catch (e) {
        if (e instanceof ControlError) return errorReply(e.status, e.code, e.message);
        throw e;
      }
    },
  }));
}
