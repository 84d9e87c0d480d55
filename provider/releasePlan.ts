/**
 * ReleasePlan: owns an existing ServiceStage release task. A change is one
 * PUT .../release-plans/{id}. Release tasks are "old release management" in Huawei's
 * docs: this file and editReleasePlan.ts are all that would retire with them.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { EditReleasePlanBody } from "./codecs/editReleasePlan";
import { PropertyBag, LifecycleDiff, ResourceLifecycle, assertReachable, diffProps, refreshedSpec, split, toFailures, validate } from "./lifecycle";
import { ReleasePlanInputs, ReleasePlanOwnProperties } from "./ownProperties";
import { RELEASE_PLAN_OWN_KEYS } from "./ownKeys";
import { clientFor, reportProgress } from "./providerState";
import { sameValue } from "./compare";
import { decodeSpec } from "./codecs/decode";
import { secretKeys } from "./codecs/fields";
import { InputError, quote } from "./errors";
import { ID_RULE, isId } from "./urlParts";

const REPLACE_KEYS = ["projectId", "region", "releasePlanId"];

const decodeBody = (spec: PropertyBag) => {
  const decoded = decodeSpec(EditReleasePlanBody, spec);
  if (!decoded.ok) throw new InputError(`invalid ReleasePlan spec: ${decoded.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  return decoded.value;
};

const edit = async (p: ReleasePlanInputs, body: EditReleasePlanBody): Promise<void> => {
  await (await clientFor(p)).editReleasePlan(p.releasePlanId, body);
  reportProgress(`servicestage: release task ${p.releasePlanId} updated`);
};

export const releasePlanProvider: ResourceLifecycle<ReleasePlanInputs, ReleasePlanInputs> = {
  async check(_olds, news): Promise<dynamic.CheckResult<ReleasePlanInputs>> {
    const { own: ownProps, spec } = split(news, RELEASE_PLAN_OWN_KEYS);
    const issues = validate(ReleasePlanOwnProperties, ownProps, EditReleasePlanBody, spec);
    await assertReachable(issues, ownProps);
    return { inputs: news, failures: toFailures(issues) };
  },

  async diff(_id, olds, news): Promise<LifecycleDiff> {
    return diffProps(olds, news, REPLACE_KEYS, []);
  },

  async create(inputs): Promise<dynamic.CreateResult<ReleasePlanInputs>> {
    const p = inputs;
    const { spec } = split(inputs, RELEASE_PLAN_OWN_KEYS);
    const body = decodeBody(spec);
    const live = await (await clientFor(p)).getReleasePlan(p.releasePlanId);
    if (!live.found)
      throw new Error(
        `release task ${p.releasePlanId} was not found (HTTP ${live.status} ${live.errorCode}). ` +
          `ReleasePlan adopts a release task that already exists in ServiceStage: ` +
          `create it there first, or fix releasePlanId.`,
      );
    await edit(inputs, body);
    return { id: p.releasePlanId, outs: inputs };
  },

  async update(_id, olds, news): Promise<dynamic.UpdateResult<ReleasePlanInputs>> {
    const { spec: oldSpec } = split(olds, RELEASE_PLAN_OWN_KEYS);
    const { spec } = split(news, RELEASE_PLAN_OWN_KEYS);
    if (!sameValue(oldSpec, spec)) await edit(news, decodeBody(spec));
    return { outs: news };
  },

  async read(id, props): Promise<dynamic.ReadResult<ReleasePlanInputs>> {
    // `pulumi import` gives the id alone: the release task id, a ServiceStage id (urlParts.ts).
    if (props?.releasePlanId === undefined && !isId(id)) throw new InputError(`invalid ReleasePlan id ${quote(id)}: it ${ID_RULE}`);
    const p: ReleasePlanInputs = { ...props, releasePlanId: props?.releasePlanId ?? id };
    const live = await (await clientFor(p)).getReleasePlan(p.releasePlanId);
    if (!live.found) return {};
    const { own: ownProps, spec } = split(p, RELEASE_PLAN_OWN_KEYS);
    const inputs = { ...ownProps, ...refreshedSpec(EditReleasePlanBody, spec, live.value) } as ReleasePlanInputs;
    return { id, props: inputs, inputs };
  },

  async delete(): Promise<void> {
    // Adopted, not created: leaving the stack must not delete the release task.
  },

  previewOutputs: (news) => news, // a release task has no outputs of its own

  secretKeys: secretKeys(EditReleasePlanBody),
};
