/**
 * What every resource's lifecycle (provider/resources/) shares, step by step:
 * - the contract the front doors call (`Lifecycle`, and `ResourceLifecycle` typed by a
 *   resource's inputs and state) and what the engine adds to an operation (`OperationOptions`);
 * - check: splitting the properties into the resource's own and the ServiceStage spec,
 *   validating both, issues as CheckFailures, and the settings an up will need;
 * - diff: replace on the properties that name the object, change on the others;
 * - create and update: the spec decoded as the body, and the message for an adopted object
 *   that ServiceStage does not have;
 * - read: a GET lined up with the declared spec.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as t from "io-ts";
import { Issue, fromWire } from "./codecs/casing";
import { issuesOf } from "./codecs/report";
import { changedKeys, projectOnto, sameValue } from "./compare";
import { isPlainObject } from "./codecs/primitives";
import { withoutServerItems } from "./unorderedLists";
import { decodeSpec } from "./codecs/decode";
import { containsUnknown } from "./pulumiValues";
import { settingsIssue } from "./providerState";
import { InputError, SettingsError } from "./errors";
import { ResourceShape, outputKeysOf, ownKeysOf, replaceKeysOf } from "./resources/definition";

export type PropertyBag = Record<string, unknown>;

/** The serialized provider a dynamic resource carries among its properties (sdk/shim.ts): never part of a spec or a diff. */
export const PROVIDER_KEY = "__provider";

export const toFailures = (issues: readonly Issue[]): dynamic.CheckFailure[] => issues.map((i) => ({ property: i.path, reason: `${i.path} ${i.message}` }));

/** Splits properties into the resource's own and the spec (every other key but its outputs and __provider). */
export const split = (news: PropertyBag, shape: ResourceShape) => {
  const ownKeys = ownKeysOf(shape);
  const outputKeys = outputKeysOf(shape);
  const entries = Object.entries(news).filter(([k]) => k !== PROVIDER_KEY && !outputKeys.includes(k));
  // fromEntries defines own properties: a key named "__proto__" stays a (reported) key instead of becoming the prototype.
  return {
    own: Object.fromEntries(entries.filter(([k]) => ownKeys.includes(k))) as PropertyBag,
    spec: Object.fromEntries(entries.filter(([k]) => !ownKeys.includes(k))) as PropertyBag,
  };
};

/** check's validation: the resource's own props, then the spec; no HTTP. */
export const validate = (shape: ResourceShape, own: PropertyBag, spec: PropertyBag): Issue[] => {
  const ownResult = shape.ownCodec.decode(own);
  const ownIssues = ownResult._tag === "Left" ? issuesOf(ownResult.left) : [];
  const specResult = decodeSpec(shape.body, spec);
  return [...ownIssues, ...(specResult.ok ? [] : specResult.issues)];
};

/** The spec as the ServiceStage body, or an error naming each issue (check reported them already; this guards create and update). */
export const decodeBody = <A>(shape: ResourceShape & { body: t.Type<A, unknown, unknown> }, spec: PropertyBag): A => {
  const decoded = decodeSpec(shape.body, spec);
  if (!decoded.ok) throw new InputError(`invalid ${shape.name} spec: ${decoded.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  return decoded.value;
};

/** Why an adopted object cannot be owned: the `kind` named by `label` is not in ServiceStage (the GET's status and code), and what to do. */
export const notFoundToAdopt = (shape: ResourceShape, kind: string, label: string, lookup: { status: number; errorCode: string }): Error =>
  new Error(
    `${kind} ${label} was not found (HTTP ${lookup.status} ${lookup.errorCode}). ${shape.name} adopts a ${kind} that already exists in ServiceStage: ` +
      `create it there first, or fix ${replaceKeysOf(shape)
        .filter((k) => shape.ownProperties[k].required)
        .join("/")}.`,
  );

/**
 * Check's last step: when the properties are valid, the settings an update will need must
 * resolve too (project, region or endpoint, credentials), so that a green preview never
 * hides an up that fails for want of them. Same message as the up would give; no
 * ServiceStage or IAM call (ECS metadata is asked when it is the only source left:
 * providerState.ts's `settingsIssue`).
 */
export const assertReachable = async (issues: readonly Issue[], own: PropertyBag): Promise<void> => {
  if (issues.length > 0) return;
  const unreachable = await settingsIssue(own);
  if (unreachable !== undefined) throw new SettingsError(unreachable);
};

/** A diff with the properties that change, which the plugin hands the engine as its detailed diff. */
export interface LifecycleDiff extends dynamic.DiffResult {
  changedKeys: string[];
}

/** The diff every resource reports: replace on the properties that name its object, change on anything else. */
export const diffProps = (olds: PropertyBag, news: PropertyBag, shape: ResourceShape): LifecycleDiff => {
  const outputKeys = outputKeysOf(shape);
  const replaceKeys = replaceKeysOf(shape);
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => k !== PROVIDER_KEY && !outputKeys.includes(k));
  const changed = changedKeys(keys, news, olds);
  const replaces = changed.filter((k) => replaceKeys.includes(k));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: false, changedKeys: changed };
};

/**
 * What the engine says about one create or update beyond its properties: the resource's
 * `customTimeouts` (the plugin reads them from the request; Pulumi's dynamic-provider
 * host does not pass them on, so the dynamic resources never get any).
 */
export interface OperationOptions {
  /** The operation's custom timeout, in seconds, counted from when the provider got the request. */
  timeoutSeconds?: number;
}

/**
 * A resource's lifecycle as a front door calls it: property bags in and out (check
 * validates them first). Each resource is one (provider/resources/); the dynamic
 * resources call the same objects through sdk/shim.ts, the plugin through
 * plugin/server.ts.
 */
export interface Lifecycle {
  check(olds: PropertyBag, news: PropertyBag): Promise<dynamic.CheckResult>;
  diff(id: string, olds: PropertyBag, news: PropertyBag): Promise<LifecycleDiff>;
  create(inputs: PropertyBag, options?: OperationOptions): Promise<dynamic.CreateResult>;
  read(id: string, props?: PropertyBag): Promise<dynamic.ReadResult>;
  update(id: string, olds: PropertyBag, news: PropertyBag, options?: OperationOptions): Promise<dynamic.UpdateResult>;
  delete(id: string, props: PropertyBag): Promise<void>;
  /** What a preview's create (no olds) or update answers: the inputs, and the outputs it can promise, unknown otherwise. No HTTP. */
  previewOutputs(news: PropertyBag, olds?: PropertyBag): PropertyBag;
  /**
   * The top-level properties kept secret whole, inputs and outputs: those whose codec holds
   * a secret field at any depth (the field model, codecs/fields.ts's `secretKeys`).
   */
  readonly secretKeys: readonly string[];
}

/** A resource's provider, typed by its inputs and state: a dynamic ResourceProvider that is also a Lifecycle. */
export type ResourceLifecycle<Inputs, State> = Required<Omit<dynamic.ResourceProvider<Inputs, State>, "configure" | "diff" | "create" | "update">> & {
  diff(id: string, olds: State, news: Inputs): Promise<LifecycleDiff>;
  create(inputs: Inputs, options?: OperationOptions): Promise<dynamic.CreateResult<State>>;
  update(id: string, olds: State, news: Inputs, options?: OperationOptions): Promise<dynamic.UpdateResult<State>>;
  previewOutputs(news: Inputs, olds?: State): PropertyBag;
  readonly secretKeys: readonly string[];
};

/**
 * PropertyBag after a refresh: every declared spec key the GET returns takes the live value
 * seen through the declared shape; the rest keeps its stored value. With nothing declared
 * (an import), everything the GET returns is taken, but for the items ServiceStage adds
 * on its own (unorderedLists.ts) and the top-level fields that still hold what the GET
 * reports when nobody set them (`unsetValues`, by wire name), which a program that never
 * declared them must not differ from.
 */
export const refreshedSpec = (specCodec: t.Mixed, declared: PropertyBag, liveWire: unknown, unsetValues: Readonly<PropertyBag> = {}): PropertyBag => {
  const importing = Object.keys(declared).length === 0;
  const shown =
    importing && isPlainObject(liveWire)
      ? Object.fromEntries(Object.entries(liveWire).filter(([k, v]) => !(Object.hasOwn(unsetValues, k) && sameValue(v, unsetValues[k]))))
      : liveWire;
  const live = (fromWire(specCodec, withoutServerItems(shown, importing ? "all" : "marked")) ?? {}) as PropertyBag;
  if (importing) return live;
  return Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, k in live && !containsUnknown(v) ? projectOnto(v, live[k], k) : v]));
};
