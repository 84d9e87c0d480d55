/**
 * Routing: path patterns, and the ServiceStage endpoints mapped onto the emulator's
 * state (state.ts), with its `ApiError`s turned into ServiceStage's error answers.
 */
import { IncomingHttpHeaders } from "node:http";
import { Reply, errorReply, header, jsonReply, parseJson } from "./http";
import { ApiError, EmulatorState, Result } from "./state";

export interface Pattern {
  method: string;
  /** Segments; `:name` captures one. */
  pattern: string[];
}

export const split = (pattern: string): string[] => pattern.split("/").filter((s) => s !== "");

export function matchRoute<R extends Pattern>(
  routes: readonly R[],
  method: string,
  segments: string[],
): { route: R; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method || route.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.pattern.every((p, i) => {
      if (p.startsWith(":")) params[p.slice(1)] = segments[i];
      return p.startsWith(":") || p === segments[i];
    });
    if (matches) return { route, params };
  }
  return undefined;
}

// ---- ServiceStage endpoints ---------------------------------------------------------

export interface ServiceStageContext {
  params: Record<string, string>;
  /** The query as sent (GET .../records and .../components page with it). */
  query: URLSearchParams;
  body: Buffer;
  /** Answer a missing application/component with 401 SVCSTG.00100401. */
  notFoundAs401: boolean;
}
export interface ServiceStageRoute extends Pattern {
  handle: (ctx: ServiceStageContext) => Reply;
}

export function serviceStageRoutes(state: EmulatorState): ServiceStageRoute[] {
  const component = "v3/:project/cas/applications/:app/components/:component";
  const releasePlan = "v3/:project/cas/release-plans/:plan";
  const application = "v3/:project/cas/applications/:app";
  return [
    {
      method: "PUT",
      pattern: split(`${component}/redeployment`),
      handle: (c) => withJsonBody(c, (b) => state.redeploy(c.params.app, c.params.component, b)),
    },
    { method: "GET", pattern: split(component), handle: (c) => toReply(state.readComponent(c.params.app, c.params.component), c) },
    {
      method: "POST",
      pattern: split(`${component}/action`),
      handle: (c) => withJsonBody(c, (b) => state.componentAction(c.params.app, c.params.component, b)),
    },
    {
      method: "GET",
      pattern: split(`${component}/records`),
      handle: (c) => toReply(state.readRecords(c.params.app, c.params.component, c.query), c),
    },
    { method: "PUT", pattern: split(releasePlan), handle: (c) => withJsonBody(c, (b) => state.editReleasePlan(c.params.plan, b)) },
    { method: "GET", pattern: split(releasePlan), handle: (c) => toReply(state.readReleasePlan(c.params.plan), c) },
    // Execute, abort and rollback take no body and answer none (servicestage_06_0235, 0251, 0236): a body sent is ignored.
    { method: "POST", pattern: split(`${releasePlan}/execute`), handle: (c) => toEmptyReply(state.executeReleasePlan(c.params.plan), c) },
    { method: "POST", pattern: split(`${releasePlan}/abort`), handle: (c) => toEmptyReply(state.abortReleasePlan(c.params.plan), c) },
    { method: "POST", pattern: split(`${releasePlan}/rollback`), handle: (c) => toEmptyReply(state.rollbackReleasePlan(c.params.plan), c) },
    { method: "GET", pattern: split(`${releasePlan}/deploy-info`), handle: (c) => toReply(state.readDeployInfo(c.params.plan), c) },
    { method: "GET", pattern: split(`${application}/components`), handle: (c) => toReply(state.listComponents(c.params.app, c.query), c) },
    { method: "GET", pattern: split("v3/:project/cas/jobs/:job"), handle: (c) => toReply(state.readJob(c.params.job), c) },
  ];
}

function withJsonBody<T>(ctx: ServiceStageContext, operation: (body: unknown) => Result<T>): Reply {
  const parsed = parseJson(ctx.body);
  return parsed.ok ? toReply(operation(parsed.value), ctx) : errorReply(400, "SVCSTG.00100400", parsed.message);
}

function toReply<T>(result: Result<T>, ctx: ServiceStageContext): Reply {
  return result.ok ? jsonReply(200, result.value) : apiErrorReply(result.error, ctx.notFoundAs401);
}

/** 200 with no body: the pages' "Response: None". */
function toEmptyReply(result: Result<void>, ctx: ServiceStageContext): Reply {
  return result.ok ? { status: 200, text: "" } : apiErrorReply(result.error, ctx.notFoundAs401);
}

function apiErrorReply(error: ApiError, notFoundAs401: boolean): Reply {
  if (error.notFoundQuirk && notFoundAs401) return errorReply(401, "SVCSTG.00100401", error.message);
  return errorReply(error.status, error.code, error.message);
}

const NOT_FOUND_AS_401_HEADER = "x-emulator-not-found-as-401";

/** The "missing answers 401" quirk for one request: its header, if sent, overrides the emulator-wide setting. */
export function notFoundAs401For(headers: IncomingHttpHeaders, setting: boolean): boolean {
  const value = header(headers, NOT_FOUND_AS_401_HEADER)?.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return setting;
}
