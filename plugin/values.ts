/**
 * Values between the engine and the lifecycle: Struct <-> plain property bags, secrets
 * unwrapped for the lifecycle and marked again on the way out (by the schema, and for
 * whatever arrived secret), unknowns passed through untouched.
 */
import type * as structpb from "google-protobuf/google/protobuf/struct_pb";
import { pulumiRpc } from "../provider/pulumiRpc";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../provider/pulumiValues";
import { PropertySpec, TypeSpec, schema } from "./package";

export type Props = Record<string, unknown>;

export const isObject = (v: unknown): v is Props => v !== null && typeof v === "object" && !Array.isArray(v);
const isSecret = (v: unknown): v is { value?: unknown } => isObject(v) && v[SECRET_SIG_KEY] === SECRET_SIG;
const secret = (value: unknown): Props => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

const unwrap = (v: unknown): unknown => {
  if (isSecret(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
};
const containsSecret = (v: unknown): boolean =>
  isSecret(v) || (Array.isArray(v) ? v.some(containsSecret) : isObject(v) ? Object.values(v).some(containsSecret) : false);

/** A request's property bag: plain values for the lifecycle, and the top-level keys that arrived secret (at any depth). */
export const unpack = (struct: structpb.Struct | undefined): { props: Props; secretKeys: Set<string> } => {
  const raw = (struct?.toJavaScript() ?? {}) as Props;
  return { props: unwrap(raw) as Props, secretKeys: new Set(Object.keys(raw).filter((k) => containsSecret(raw[k]))) };
};

/**
 * Marks secret what the schema declares secret (at any depth, e.g. every httpPassword),
 * and each property that arrived holding a secret the schema does not cover (a program's
 * own `pulumi.secret` inside envs, say): that property whole, as the engine itself
 * carries secrets over for providers that take none (annotateSecrets).
 */
export const markSecrets = (bag: Props, declared: Record<string, PropertySpec>, arrivedSecret: ReadonlySet<string> = new Set()): Props => {
  const out = markDeclared(bag, declared) as Props;
  for (const key of arrivedSecret) if (out[key] !== undefined && !containsSecret(out[key])) out[key] = secret(out[key]);
  return out;
};
const markDeclared = (value: unknown, properties: Record<string, PropertySpec>): unknown => {
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const spec = Object.hasOwn(properties, k) ? properties[k] : undefined;
      if (spec === undefined || v === undefined || v === UNKNOWN) return [k, v];
      return [k, spec.secret === true ? secret(v) : markByType(v, spec)];
    }),
  );
};
const markByType = (value: unknown, spec: TypeSpec): unknown => {
  if (spec.$ref?.startsWith("#/types/")) {
    const type = schema().parsed.types[spec.$ref.slice("#/types/".length)];
    return type?.properties !== undefined ? markDeclared(value, type.properties) : value;
  }
  if (spec.items !== undefined && Array.isArray(value)) return value.map((item) => markByType(item, spec.items as TypeSpec));
  if (spec.additionalProperties !== undefined && isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markByType(v, spec.additionalProperties as TypeSpec)]));
  if (spec.oneOf !== undefined) return spec.oneOf.reduce((v, member) => markByType(v, member), value);
  return value;
};

/** google-protobuf's Struct takes JSON values only: undefined properties are left out, undefined list items become null. */
export const toStruct = (bag: Props): structpb.Struct => pulumiRpc().Struct.fromJavaScript(jsonValue(bag) as Record<string, structpb.JavaScriptValue>);
const jsonValue = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : jsonValue(x)));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : [[k, jsonValue(x)]])));
  return v;
};
