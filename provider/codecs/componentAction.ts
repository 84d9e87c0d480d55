/**
 * POST /v3/{project_id}/cas/applications/{application_id}/components/{component_id}/action:
 * an action on a component (Huawei's `ComponentActionRequestBody` and `ComponentActionType`,
 * huaweicloudsdkservicestage v3; docs/api/NOTES.md, "The component GET, its actions and its
 * records"). Only the actions that apply to a job component are offered: its instances
 * started, stopped, restarted, scaled, or the component rolled back; `sync_workload` and
 * `sync_import` concern workloads imported from CCE, not jobs.
 */
import * as t from "io-ts";
import { checked, isAbsent, isKnownValue, nonNegativeInt, obj, oneOf, str } from "./primitives";

export const COMPONENT_ACTIONS = ["start", "stop", "restart", "scale", "rollback", "rollback_current"] as const;

/** Table "parameters" of the action: what an action needs beyond its name. */
export const ComponentActionParameters = obj(
  "ComponentActionParameters",
  {},
  {
    /** Number of instances after a scale (action scale). */
    replica: nonNegativeInt,
    /** The version to roll back to (action rollback; default: the version before the last deployment). */
    version: str,
  },
);

export const ComponentActionBody = checked(
  obj(
    "ComponentActionBody",
    {
      /** The action: start, stop, restart, scale (with parameters.replica), rollback (to parameters.version, or the version before), rollback_current (the version before). */
      action: oneOf(...COMPONENT_ACTIONS),
    },
    {
      /** What the action needs: the replica count of a scale, the version of a rollback. */
      parameters: ComponentActionParameters,
    },
  ),
  (v) => (v.action === "scale" && isAbsent(v.parameters?.replica) ? [{ key: "parameters.replica", message: "is required when action is scale" }] : []),
  (v) =>
    isKnownValue(v.parameters?.replica) && v.action !== "scale" && isKnownValue(v.action)
      ? [{ key: "parameters.replica", message: `applies to action scale only, not ${v.action}` }]
      : [],
  (v) =>
    isKnownValue(v.parameters?.version) && v.action !== "rollback" && isKnownValue(v.action)
      ? [{ key: "parameters.version", message: `applies to action rollback only, not ${v.action}` }]
      : [],
);
export type ComponentActionBody = t.TypeOf<typeof ComponentActionBody>;

/** The answer: the job the action started (`result` is not documented anywhere: not read). */
export const ComponentActionResponse = t.type({ job_id: str }, "ComponentActionResponse");
export type ComponentActionResponse = t.TypeOf<typeof ComponentActionResponse>;
