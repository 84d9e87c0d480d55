/**
 * ReleasePlan: owns an existing ServiceStage release task. A change is one
 * PUT .../release-plans/{id}. Release tasks are "old release management" in Huawei's
 * docs: this file and editReleasePlan.ts are all that would retire with them.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { EditReleasePlanBody } from "./codecs/editReleasePlan";
import { Props, diffProps, refreshedSpec, split, toFailures, validate } from "./lifecycle";
import { RELEASE_PLAN_PROP_KEYS, ReleasePlanProps } from "./resourceProps";
import { clientFor, reportProgress } from "./runtime";
import { InputError, decodeSpec, sameValue } from "./spec";

const REPLACE_KEYS = ["projectId", "releasePlanId"];

const own = (props: Props) => props as unknown as ReleasePlanProps;

const decodeBody = (spec: Props) => {
  const decoded = decodeSpec(EditReleasePlanBody, spec);
  if (!decoded.ok) throw new InputError(`invalid ReleasePlan spec: ${decoded.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  return decoded.value;
};

const edit = async (props: Props, spec: Props): Promise<void> => {
  const p = own(props);
  await clientFor(p.projectId).editReleasePlan(p.releasePlanId, decodeBody(spec));
  reportProgress(`servicestage: release task ${p.releasePlanId} updated`);
};

export const releasePlanProvider: Required<Omit<dynamic.ResourceProvider, "configure">> = {
  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const { own: ownProps, spec } = split(news, RELEASE_PLAN_PROP_KEYS);
    return { inputs: news, failures: toFailures(validate(ReleasePlanProps, ownProps, EditReleasePlanBody, spec)) };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    return diffProps(olds, news, REPLACE_KEYS, []);
  },

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const p = own(inputs);
    const { spec } = split(inputs, RELEASE_PLAN_PROP_KEYS);
    decodeBody(spec);
    const live = await clientFor(p.projectId).getReleasePlan(p.releasePlanId);
    if (!live.found)
      throw new Error(
        `release task ${p.releasePlanId} was not found (HTTP ${live.status} ${live.errorCode}). ReleasePlan adopts a release task that already exists in ServiceStage: create it there first, or fix releasePlanId.`,
      );
    await edit(inputs, spec);
    return { id: p.releasePlanId, outs: inputs };
  },

  async update(_id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const { spec: oldSpec } = split(olds, RELEASE_PLAN_PROP_KEYS);
    const { spec } = split(news, RELEASE_PLAN_PROP_KEYS);
    if (!sameValue(oldSpec, spec)) await edit(news, spec);
    return { outs: news };
  },

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    const p = { ...props, releasePlanId: props.releasePlanId ?? id } as Props;
    const live = await clientFor(own(p).projectId).getReleasePlan(own(p).releasePlanId);
    if (!live.found) return {};
    const { own: ownProps, spec } = split(p, RELEASE_PLAN_PROP_KEYS);
    const inputs = { ...ownProps, ...refreshedSpec(EditReleasePlanBody, spec, live.value) };
    return { id, props: inputs, inputs };
  },

  async delete(): Promise<void> {
    // Adopted, not created: leaving the stack must not delete the release task.
  },
};
