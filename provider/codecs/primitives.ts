/**
 * Building blocks for the API-table codecs: every constraint a page states is a
 * codec here, and every failure carries a message that states the rule, so that
 * `report.ts` can print "property path: rule" without guessing.
 */
import * as t from "io-ts";
import { isUnknown } from "../pulumiValues";

/** A codec with object-level rules that read several fields (e.g. "url is required when kind is package"). */
export class Checked<C extends t.Mixed> extends t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> {
  readonly _tag = "Checked" as const;
  constructor(
    readonly inner: C,
    readonly rules: ReadonlyArray<Rule<t.TypeOf<C>>>,
  ) {
    super(
      inner.name,
      inner.is,
      (u, c) => {
        const decoded = inner.validate(u, c);
        if (decoded._tag === "Left") return decoded;
        const errors: t.Errors = [];
        for (const rule of rules) {
          for (const broken of rule(decoded.right)) {
            // The broken property, possibly nested ("update_strategy.max_surge"): the report names it, not its parent.
            const ctx: t.ContextEntry[] = [...c];
            let actual: unknown = decoded.right;
            for (const key of broken.key === undefined ? [] : broken.key.split(".")) {
              actual = isPlainObject(actual) ? actual[key] : undefined;
              ctx.push({ key, type: t.unknown, actual });
            }
            errors.push({ value: broken.key === undefined ? u : actual, context: ctx, message: broken.message });
          }
        }
        return errors.length > 0 ? t.failures(errors) : decoded;
      },
      inner.encode,
    );
  }
}

/** A broken object-level rule: the property it concerns (if one; a dotted wire path for a nested one) and the rule in words, naming fields in camelCase. */
export interface Broken {
  key?: string;
  message: string;
}
export type Rule<A> = (value: A) => Broken[];

export const checked = <C extends t.Mixed>(inner: C, ...rules: Array<Rule<t.TypeOf<C>>>): Checked<C> => new Checked(inner, rules);

/** Absent. A value still unknown during preview is present (it will be known at update). */
export const isAbsent = (v: unknown): boolean => v === undefined || v === null;
/** Present and known: only such values can break a rule; an unknown one is given the benefit of the doubt. */
export const isKnownValue = (v: unknown): boolean => !isAbsent(v) && !isUnknown(v);

/** `required(key, when)`: the rule "<key> is required when <when>". */
export const requiredWhen =
  <A extends object>(keys: ReadonlyArray<keyof A & string>, condition: (v: A) => boolean, when: string): Rule<A> =>
  (v) =>
    condition(v) ? keys.filter((k) => isAbsent(v[k])).map((k) => ({ key: k, message: `is required when ${when}` })) : [];

/** A scalar codec whose failures say which rule was broken. */
const refined = <A, O>(base: t.Type<A, O, unknown>, name: string, ok: (a: A) => boolean, rule: string): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    name,
    (u): u is A => base.is(u) && ok(u),
    (u, c) => {
      if (u === undefined) return t.failure(u, c, "is required");
      const r = base.validate(u, c);
      if (r._tag === "Left") return t.failure(u, c, describeExpected(base.name));
      return ok(r.right) ? r : t.failure(u, c, rule);
    },
    base.encode,
  );

const describeExpected = (name: string): string => {
  switch (name) {
    case "string":
      return "must be a string";
    case "number":
      return "must be a number";
    case "boolean":
      return "must be a boolean";
    case "integer":
      return "must be an integer";
    default:
      return `must be ${name}`;
  }
};

export const str = refined(t.string, "string", () => true, "must be a string");
export const num = refined(t.number, "number", (n) => Number.isFinite(n), "must be a finite number");
export const bool = refined(t.boolean, "boolean", () => true, "must be a boolean");
export const int = refined(t.number, "integer", (n) => Number.isInteger(n), "must be an integer");
export const nonNegativeInt = refined(int, "non-negative integer", (n) => n >= 0, "must be an integer >= 0");
export const port = refined(int, "port", (n) => n >= 1 && n <= 65535, "must be an integer from 1 to 65535");
export const nonEmpty = refined(t.string, "non-empty string", (s) => s.length > 0, "must not be empty");

export const maxLength = (n: number) => refined(t.string, `string of at most ${n} characters`, (s) => s.length <= n, `must be at most ${n} characters`);

export const matching = (re: RegExp, rule: string) => refined(t.string, `string matching ${re}`, (s) => re.test(s), rule);

/** An enum from a page (its values kept, for the field model): failures list the allowed values. */
export class OneOf<V extends string | number> extends t.Type<V, V, unknown> {
  readonly _tag = "OneOf" as const;
  constructor(readonly values: readonly [V, ...V[]]) {
    const allowed: ReadonlyArray<string | number> = values;
    const kind = typeof values[0];
    super(
      values.join(" | "),
      (u): u is V => typeof u === kind && allowed.includes(u as V),
      (u, c) =>
        typeof u === kind && allowed.includes(u as V)
          ? t.success(u as V)
          : t.failure(u, c, u === undefined ? "is required" : `must be one of: ${values.join(", ")}`),
      t.identity,
    );
  }
}
export const oneOf = <V extends string>(...values: readonly [V, ...V[]]): OneOf<V> => new OneOf(values);
/** An integer enum (gray_release.deployment_mode). */
export const oneOfInt = <V extends number>(...values: readonly [V, ...V[]]): OneOf<V> => new OneOf(values);

/**
 * A credential (a source's or a template's `http_password`): the one declaration of
 * secrecy. Validates as its inner codec; the field model (fields.ts) reads the mark, and
 * every front door keeps the top-level property holding it secret, inputs and outputs.
 */
export class Secret<C extends t.Mixed> extends t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> {
  readonly _tag = "Secret" as const;
  constructor(readonly inner: C) {
    super(inner.name, inner.is, (u, c) => inner.validate(u, c), inner.encode);
  }
}
export const secret = <C extends t.Mixed>(inner: C): Secret<C> => new Secret(inner);

/**
 * The pages type some numeric fields as String (affinity weight, StatefulSet ports).
 * Users naturally write numbers there; we accept an integer or a string of digits and
 * send the string the page asks for.
 */
export const integerString = (rule: string, ok: (n: number) => boolean = () => true): t.Type<string | number, string, unknown> =>
  new t.Type<string | number, string, unknown>(
    "integer or string of digits",
    (u): u is string | number =>
      (typeof u === "string" && /^\d+$/.test(u) && ok(Number(u))) || (typeof u === "number" && Number.isInteger(u) && u >= 0 && ok(u)),
    (u, c) => {
      if (u === undefined) return t.failure(u, c, "is required");
      const text = typeof u === "number" && Number.isInteger(u) ? String(u) : u;
      if (typeof text !== "string" || !/^\d+$/.test(text)) return t.failure(u, c, `must be an integer or a string of digits; ${rule}`);
      return ok(Number(text)) ? t.success(text) : t.failure(u, c, rule);
    },
    // Decoding already gives the string the page asks for; encoding makes sure of it.
    (a) => String(a),
  );

/**
 * A container port by number (1-65535, or its string) or by name: the release page types
 * ports[].target_port as a String with no pattern, and Kubernetes, which it configures,
 * also takes a named container port (IANA_SVC_NAME: up to 15 lowercase letters, digits
 * and hyphens, at least one letter, no hyphen at either end or twice in a row).
 */
export const portNumberOrName = new t.Type<string | number, string, unknown>(
  "port number or name",
  (u): u is string | number => integerString("").is(u) || (typeof u === "string" && isPortName(u)),
  (u, c) => {
    if (u === undefined) return t.failure(u, c, "is required");
    if (typeof u === "string" && isPortName(u)) return t.success(u);
    const asNumber = integerString("must be a port from 1 to 65535", (n) => n >= 1 && n <= 65535).validate(u, c);
    return asNumber._tag === "Right"
      ? asNumber
      : t.failure(
          u,
          c,
          "must be a port from 1 to 65535 (a number or a string of digits) or a port name (up to 15 lowercase letters, digits and hyphens, with a letter)",
        );
  },
  (a) => String(a),
);
const isPortName = (s: string): boolean => s.length <= 15 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(s) && /[a-z]/.test(s);

/** update_strategy.max_unavailable / max_surge: "String (%) or Integer". */
export const intOrPercent = new t.Type<number | string, number | string, unknown>(
  "integer or percentage",
  (u): u is number | string =>
    (typeof u === "number" && Number.isInteger(u) && u >= 0) || (typeof u === "string" && /^\d{1,3}%$/.test(u) && Number(u.slice(0, -1)) <= 100),
  (u, c) =>
    (typeof u === "number" && Number.isInteger(u) && u >= 0) || (typeof u === "string" && /^\d{1,3}%$/.test(u) && Number(u.slice(0, -1)) <= 100)
      ? t.success(u)
      : t.failure(u, c, 'must be a non-negative integer or a percentage string such as "25%" (0% to 100%)'),
  t.identity,
);

/**
 * An object whose documented keys are typed and renamed, and whose other keys are the
 * user's own and pass verbatim (build.parameters: "Map<String, Object>" with Table 31's
 * known keys).
 */
export class OpenObject<P extends t.Props> extends t.Type<
  t.TypeOf<t.PartialC<P>> & Record<string, unknown>,
  t.OutputOf<t.PartialC<P>> & Record<string, unknown>,
  unknown
> {
  readonly _tag = "OpenObject" as const;
  readonly known: t.PartialC<P>;
  constructor(
    name: string,
    readonly props: P,
  ) {
    const known = t.partial(props);
    super(
      name,
      (u): u is t.TypeOf<t.PartialC<P>> & Record<string, unknown> => isPlainObject(u) && known.is(u),
      (u, c) => {
        if (!isPlainObject(u)) return t.failure(u, c, "must be an object");
        const r = known.validate(u, c);
        return r._tag === "Left" ? r : t.success({ ...u, ...r.right });
      },
      t.identity,
    );
    this.known = known;
  }
}

export const isPlainObject = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u);

/** `Map<String, String>` from the pages: keys are the user's and pass verbatim. */
export const stringMap = t.record(t.string, str);

type Required<R extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> };
type Optional<O extends t.Props> = { [K in keyof O]?: t.TypeOf<O[K]> };
type RequiredOut<R extends t.Props> = { [K in keyof R]: t.OutputOf<R[K]> };
type OptionalOut<O extends t.Props> = { [K in keyof O]?: t.OutputOf<O[K]> };

/**
 * A JSON object with the required and optional keys an API table marks. One pass over
 * the declared keys: `t.intersection([t.type, t.partial])` says the same but merges
 * every level twice, and decoding runs for every resource of every preview. Keys the
 * table does not declare are kept (ServiceStage answers carry more than we model).
 */
export class ObjectCodec<R extends t.Props, O extends t.Props> extends t.Type<Required<R> & Optional<O>, RequiredOut<R> & OptionalOut<O>, unknown> {
  readonly _tag = "ObjectCodec" as const;
  readonly props: R & O;
  constructor(
    name: string,
    readonly required: R,
    readonly optional: O,
  ) {
    const entries = [...Object.entries(required).map(([k, c]) => [k, c, true] as const), ...Object.entries(optional).map(([k, c]) => [k, c, false] as const)];
    super(
      name,
      (u): u is Required<R> & Optional<O> => isPlainObject(u) && entries.every(([k, c, req]) => (u[k] === undefined ? !req : c.is(u[k]))),
      (u, c) => {
        if (!isPlainObject(u)) return t.failure(u, c);
        let out: Record<string, unknown> | undefined;
        const errors: t.Errors = [];
        for (const [key, codec, req] of entries) {
          const value = u[key];
          if (value === undefined && !req) continue;
          const r = codec.validate(value, [...c, { key, type: codec, actual: value }]);
          if (r._tag === "Left") errors.push(...r.left);
          else if (r.right !== value) (out ??= { ...u })[key] = r.right;
        }
        return errors.length > 0 ? t.failures(errors) : t.success((out ?? u) as Required<R> & Optional<O>);
      },
      (a) => {
        const out: Record<string, unknown> = { ...a };
        for (const [key, codec] of entries) if (out[key] !== undefined) out[key] = codec.encode(out[key]);
        return out as RequiredOut<R> & OptionalOut<O>;
      },
    );
    this.props = { ...required, ...optional };
  }
}

/** A JSON object codec: required keys and optional keys, as the tables mark them. */
export const obj = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O): ObjectCodec<R, O> =>
  new ObjectCodec(name, required, optional);
