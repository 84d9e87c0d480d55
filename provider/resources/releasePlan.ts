/**
 * ReleasePlan: owns an existing ServiceStage release task. A change is one
 * PUT .../release-plans/{id}. Release tasks are "old release management" in Huawei's
 * docs: this file and editReleasePlan.ts are all that would retire with them.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { EditReleasePlanBody } from "../codecs/editReleasePlan";
import {
  LifecycleDiff,
  ResourceLifecycle,
  assertReachable,
  decodeBody,
  diffProps,
  notFoundToAdopt,
  refreshedSpec,
  split,
  toFailures,
  validate,
} from "../lifecycle";
import { clientFor, reportProgress } from "../providerState";
import { sameValue } from "../compare";
import { secretKeys } from "../codecs/fields";
import { InputError, quote } from "../errors";
import { ID_RULE, isId } from "../urlParts";
import { OwnValues, ResourceDefinition, WHERE, ownCodec, required, segmentId } from "./definition";

const ownProperties = {
  releasePlanId: required(segmentId, { doc: "Release task ID (path parameter release_plan_id). The task must already exist.", replaceOnChange: true }),
  ...WHERE,
};

const shape = {
  name: "ReleasePlan",
  doc:
    "An existing ServiceStage release task. Creating it adopts the task and applies the declared body; changing it edits the task " +
    "(PUT .../release-plans/{id}); deleting it only removes it from the stack. Components' `source` can carry passwords, so `components` is secret.",
  body: EditReleasePlanBody,
  bodyDoc: 'The release task body (Tables 3-42 of "Editing a Release Task"), in camelCase.',
  ownProperties,
  ownCodec: ownCodec("ReleasePlanOwnProperties", ownProperties),
  outputs: {},
} as const;

/** Which release task. */
export type ReleasePlanOwnProperties = OwnValues<typeof ownProperties>;
export type ReleasePlanInputs = ReleasePlanOwnProperties & Record<string, unknown>;

const edit = async (p: ReleasePlanInputs, body: EditReleasePlanBody): Promise<void> => {
  await (await clientFor(p)).editReleasePlan(p.releasePlanId, body);
  reportProgress(`servicestage: release task ${p.releasePlanId} updated`);
};

const lifecycle: ResourceLifecycle<ReleasePlanInputs, ReleasePlanInputs> = {
  async check(_olds, news): Promise<dynamic.CheckResult<ReleasePlanInputs>> {
    const { own: ownProps, spec } = split(news, shape);
    const issues = validate(shape, ownProps, spec);
    await assertReachable(issues, ownProps);
    return { inputs: news, failures: toFailures(issues) };
  },

  async diff(_id, olds, news): Promise<LifecycleDiff> {
    return diffProps(olds, news, shape);
  },

  async create(inputs): Promise<dynamic.CreateResult<ReleasePlanInputs>> {
    const p = inputs;
    const { spec } = split(inputs, shape);
    const body = decodeBody(shape, spec);
    const live = await (await clientFor(p)).getReleasePlan(p.releasePlanId);
    if (!live.found) throw notFoundToAdopt(shape, "release task", p.releasePlanId, live);
    await edit(inputs, body);
    return { id: p.releasePlanId, outs: inputs };
  },

  async update(_id, olds, news): Promise<dynamic.UpdateResult<ReleasePlanInputs>> {
    const { spec: oldSpec } = split(olds, shape);
    const { spec } = split(news, shape);
    if (!sameValue(oldSpec, spec)) await edit(news, decodeBody(shape, spec));
    return { outs: news };
  },

  async read(id, props): Promise<dynamic.ReadResult<ReleasePlanInputs>> {
    // `pulumi import` gives the id alone: the release task id, a ServiceStage id (urlParts.ts).
    if (props?.releasePlanId === undefined && !isId(id)) throw new InputError(`invalid ReleasePlan id ${quote(id)}: it ${ID_RULE}`);
    const p: ReleasePlanInputs = { ...props, releasePlanId: props?.releasePlanId ?? id };
    const live = await (await clientFor(p)).getReleasePlan(p.releasePlanId);
    if (!live.found) return {};
    const { own: ownProps, spec } = split(p, shape);
    const inputs = { ...ownProps, ...refreshedSpec(EditReleasePlanBody, spec, live.value) } as ReleasePlanInputs;
    return { id, props: inputs, inputs };
  },

  async delete(): Promise<void> {
    // Adopted, not created: leaving the stack must not delete the release task.
  },

  previewOutputs: (news) => news, // a release task has no outputs of its own

  secretKeys: secretKeys(EditReleasePlanBody),
};

export const releasePlan = { ...shape, providerExport: "releasePlanProvider", lifecycle } satisfies ResourceDefinition;
