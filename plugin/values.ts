/**
 * Values between the engine and the lifecycle: Struct <-> plain property bags, secrets
 * unwrapped for the lifecycle and marked again on the way out (by the field model, and
 * for whatever arrived secret), unknowns passed through untouched.
 */
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import { pulumiRpc } from "../provider/pulumiRpc";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../provider/pulumiValues";

import type { PropertyBag } from "../provider/lifecycle";

export type { PropertyBag };

export const isObject = (v: unknown): v is PropertyBag => v !== null && typeof v === "object" && !Array.isArray(v);
const isSecret = (v: unknown): v is { value?: unknown } => isObject(v) && v[SECRET_SIG_KEY] === SECRET_SIG;
const secret = (value: unknown): PropertyBag => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

const unwrap = (v: unknown): unknown => {
  if (isSecret(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
};
const containsSecret = (v: unknown): boolean =>
  isSecret(v) || (Array.isArray(v) ? v.some(containsSecret) : isObject(v) ? Object.values(v).some(containsSecret) : false);

/** A request's property bag: plain values for the lifecycle, and the top-level keys that arrived secret (at any depth). */
export const unpack = (struct: structpb.Struct | undefined): { props: PropertyBag; secretKeys: Set<string> } => {
  const raw = (struct?.toJavaScript() ?? {}) as PropertyBag;
  return { props: unwrap(raw) as PropertyBag, secretKeys: new Set(Object.keys(raw).filter((k) => containsSecret(raw[k]))) };
};

/**
 * Marks secret, whole, each top-level property the field model keeps secret (the
 * lifecycle's `secretKeys`, settings.ts's `SECRET_SETTINGS`), and each property that
 * arrived holding a secret the model does not cover (a program's own `pulumi.secret`
 * inside envs, say), as the engine itself carries secrets over for providers that take
 * none (annotateSecrets).
 */
export const markSecrets = (bag: PropertyBag, isSecretKey: (key: string) => boolean, arrivedSecret: ReadonlySet<string> = new Set()): PropertyBag =>
  Object.fromEntries(
    Object.entries(bag).map(([k, v]) =>
      v === undefined || v === UNKNOWN || containsSecret(v) || !(isSecretKey(k) || arrivedSecret.has(k)) ? [k, v] : [k, secret(v)],
    ),
  );

/** google-protobuf's Struct takes JSON values only: undefined properties are left out, undefined list items become null. */
export const toStruct = (bag: PropertyBag): structpb.Struct => pulumiRpc().Struct.fromJavaScript(jsonValue(bag) as Record<string, structpb.JavaScriptValue>);
const jsonValue = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : jsonValue(x)));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : [[k, jsonValue(x)]])));
  return v;
};
