/**
 * Fuzzing `check` of both resources (fast-check): more than 10,000 random and mutated
 * inputs through the in-process providers, and a sample through Pulumi's real
 * dynamic-provider host. Whatever comes in, `check` answers with structured
 * CheckFailures ({property, reason}), never throws, never mutates what it is given,
 * never pollutes a prototype and never makes an HTTP call (an emulator is configured as
 * the endpoint and must see no request). A valid spec with values replaced by the
 * preview's unknown sentinel must pass: the sentinel itself is never a failure.
 *
 * Inputs stay within what the host can deliver (JSON values, plus NaN/Infinity/-0,
 * which protobuf doubles carry): no BigInt, Map, Date or class instances.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import fc from "fast-check";
import { Emulator, startEmulator } from "../../emulator/server";
import { jobComponentProvider, releasePlanProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { UNKNOWN } from "../../provider/pulumiValues";
import { isId, isRegion } from "../../provider/urlParts";
import { HOSTILE_IDS, HOSTILE_REGIONS } from "../fixtures/urlShapes";
import { startAttacker } from "../harness/attacker";
import { JobComponent, ReleasePlan } from "../../sdk";
import { captureInputs, Registered } from "../harness/captureInputs";
import { ProviderHost, startProviderHost } from "../harness/providerHost";
import { Segment, jobMaximal, jobPageExample, releaseMaximal, releaseTwoComponents } from "../fixtures/specs";
import { APP_ID, COMPONENT_ID, PROJECT_ID, RELEASE_PLAN_ID, TOKEN, jobSpec, releaseSpec, seed } from "../harness/world";

jest.setTimeout(120_000);

const repo = path.resolve(__dirname, "..", "..");
type PropertyBag = Record<string, unknown>;
type Provider = { check: (olds: PropertyBag, news: PropertyBag) => Promise<dynamic.CheckResult> };

/** Fixed seeds: a failure is reproducible; the counterexample is printed by fast-check. */
const SEED = 20250601;
const RUNS = { valid: 40, sentinel: 3000, mutated: 5000, random: 2200, host: 300 };
const counted = { inProcess: 0, host: 0, inProcessMs: 0, hostMs: 0, emptyKeyFailures: 0 };

// ---- the resources' valid inputs -------------------------------------------------------

interface Kind {
  name: "JobComponent" | "ReleasePlan";
  provider: Provider;
  /** Valid inputs: own props + spec, without __provider. */
  bases: Array<() => PropertyBag>;
}

const kinds: Kind[] = [
  {
    name: "JobComponent",
    provider: jobComponentProvider,
    bases: [
      () => ({ applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() }),
      () => ({ applicationId: APP_ID, componentId: COMPONENT_ID, projectId: PROJECT_ID, waitForJob: true, jobTimeoutSeconds: 600, ...jobPageExample() }),
      () => ({ applicationId: APP_ID, componentId: "comp-max", waitForJob: false, jobTimeoutSeconds: 30, ...jobMaximal() }),
    ],
  },
  {
    name: "ReleasePlan",
    provider: releasePlanProvider,
    bases: [
      () => ({ releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() }),
      () => ({ releasePlanId: RELEASE_PLAN_ID, projectId: PROJECT_ID, ...releaseTwoComponents() }),
      () => ({ releasePlanId: "plan-max", ...releaseMaximal() }),
    ],
  },
];

// ---- building values: own keys only, `__proto__` included -----------------------------

const isObject = (v: unknown): v is PropertyBag => v !== null && typeof v === "object" && !Array.isArray(v);

/** Sets an own, enumerable property, also for `__proto__` (plain assignment would set the prototype). */
const define = (o: PropertyBag, key: string, value: unknown): PropertyBag => {
  if (key === "__proto__") Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
  return o;
};

const copy = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(copy);
  if (isObject(v)) return Object.entries(v).reduce<PropertyBag>((o, [k, x]) => define(o, k, copy(x)), {});
  return v;
};

/** Deep-frozen: a check that writes into its input throws (modules are strict), and that counts as a bug. */
const freeze = <T>(v: T): T => {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) freeze(x);
  }
  return v;
};

/** Mutations land no deeper than this (the fixtures are shallower; an inserted deep value is not walked). */
const MAX_PATH_DEPTH = 8;

/** Every node below the root (object properties and list elements), depth first. */
const nodePaths = (v: unknown, prefix: Segment[] = []): Segment[][] => {
  if (prefix.length >= MAX_PATH_DEPTH) return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...nodePaths(x, [...prefix, i])]);
  if (isObject(v)) return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...nodePaths(x, [...prefix, k])]);
  return [];
};

const parentOf = (root: unknown, p: readonly Segment[]): Record<string | number, unknown> | undefined => {
  let node: unknown = root;
  for (const s of p.slice(0, -1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node !== null && typeof node === "object" ? (node as Record<string | number, unknown>) : undefined;
};

const replaceAt = (root: unknown, p: readonly Segment[], value: unknown): void => {
  const parent = parentOf(root, p);
  const last = p[p.length - 1];
  if (parent === undefined) return;
  if (Array.isArray(parent)) parent[last as number] = value;
  else define(parent as PropertyBag, String(last), value);
};

/** A place in a value: a property of an object or an element of a list (cheaper to collect than paths). */
interface Slot {
  parent: PropertyBag | unknown[];
  key: string | number;
}

const slots = (root: unknown): Slot[] => {
  const out: Slot[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth >= MAX_PATH_DEPTH) return;
    if (Array.isArray(v))
      v.forEach((x, i) => {
        out.push({ parent: v, key: i });
        walk(x, depth + 1);
      });
    else if (isObject(v))
      for (const [k, x] of Object.entries(v)) {
        out.push({ parent: v, key: k });
        walk(x, depth + 1);
      }
  };
  walk(root, 0);
  return out;
};
const valueAt = (s: Slot): unknown => (s.parent as Record<string | number, unknown>)[s.key];
const setAt = (s: Slot, value: unknown): void => {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = value;
  else define(s.parent, String(s.key), value);
};

// ---- arbitraries ------------------------------------------------------------------------

/** Every property name the fixtures use, in camelCase and snake_case: mutations land on real names too. */
const knownKeys = [
  ...new Set(
    kinds.flatMap((k) =>
      k.bases.flatMap((b) =>
        nodePaths(b())
          .map((p) => p[p.length - 1])
          .filter((s): s is string => typeof s === "string"),
      ),
    ),
  ),
];
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const key = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(...knownKeys) },
  { weight: 1, arbitrary: fc.constantFrom(...knownKeys.map(snake)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "__proto__",
      "constructor",
      "prototype",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "__defineGetter__",
      "__provider",
      "",
      " ",
      "0",
      "length",
    ),
  },
);

const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, -1, 2 ** 31, 2 ** 53 + 2, 1e308, 5e-324),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud800",
    "null",
    "true",
    "1",
    "1.0.0",
    "2025.0323.15181",
    "package",
    "image",
    "obs",
    "http",
    "container",
    "Java",
    "GrayRelease",
    "stop",
  ),
  fc.constantFrom(UNKNOWN.toUpperCase(), `${UNKNOWN} `, UNKNOWN.slice(1)),
);

/**
 * Values too big to print (deep nesting, huge strings) are generated as small recipes and
 * built inside the property, so that a counterexample stays readable.
 */
type Recipe = { deep: number; shape: "object" | "array" | "mixed"; inner: unknown } | { huge: number; unit: string; tail: string } | { plain: unknown };

/** {a: {a: ...}}, [[...]] or a mix, up to a few thousand levels. */
const deepUpTo = (max: number) =>
  fc.record({ deep: fc.integer({ min: 20, max }), shape: fc.constantFrom("object" as const, "array" as const, "mixed" as const), inner: leaf });

/** Large strings, some of them shaped to tempt a backtracking pattern (versions, names, urls). */
const hugeUpTo = (max: number) =>
  fc.record({
    huge: fc.integer({ min: 5_000, max }),
    unit: fc.constantFrom("a", "1.", "0", "a-", "é", "obs://", "/", " ", "_-"),
    tail: fc.constantFrom("", "!", ".", "\n"),
  });

const build = (r: Recipe): unknown => {
  if ("plain" in r) return r.plain;
  if ("huge" in r) return r.unit.repeat(Math.ceil(r.huge / r.unit.length)) + r.tail;
  let v: unknown = r.inner;
  for (let i = 0; i < r.deep; i++) v = r.shape === "array" || (r.shape === "mixed" && i % 2 === 0) ? [v] : { a: v };
  return v;
};

/** Objects with prototype-pollution keys as own properties. */
const polluting = fc
  .constantFrom(
    '{"__proto__": {"polluted": "yes"}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
    '{"__proto__": {"toString": "x", "polluted": "yes"}, "name": "x"}',
    '[{"__proto__": {"polluted": "yes"}}]',
  )
  .map((text) => JSON.parse(text) as unknown);

const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    { weight: 6, arbitrary: leaf },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 5 }) },
    {
      weight: 2,
      arbitrary: fc.array(fc.tuple(key, tie("value")), { maxLength: 6 }).map((entries) => entries.reduce<PropertyBag>((o, [k, v]) => define(o, k, v), {})),
    },
  ),
})).value;

/** In-process: nesting to 2,000 levels and strings to 250,000 characters; the host's gRPC messages get smaller ones. */
const LIMITS = { inProcess: { depth: 2000, length: 250_000 }, host: { depth: 60, length: 50_000 } };
const valueUpTo = (limits: { depth: number; length: number }): fc.Arbitrary<Recipe> =>
  fc.oneof(
    { weight: 12, arbitrary: junk.map((plain) => ({ plain })) },
    { weight: 1, arbitrary: deepUpTo(limits.depth) },
    { weight: 1, arbitrary: hugeUpTo(limits.length) },
    { weight: 1, arbitrary: polluting.map((plain) => ({ plain })) },
  );

type Op = { kind: "delete" | "replace" | "insert" | "unknown" | "retype"; at: number; key: string; value: Recipe };
const opUpTo = (limits: { depth: number; length: number }): fc.Arbitrary<Op> =>
  fc.record({ kind: fc.constantFrom("delete", "replace", "insert", "unknown", "retype"), at: fc.nat(), key, value: valueUpTo(limits) }) as fc.Arbitrary<Op>;
const op = opUpTo(LIMITS.inProcess);
const anyValue = valueUpTo(LIMITS.inProcess);

/** The same value in another JSON type: what a user who misread the page would write. */
const retype = (v: unknown): unknown => {
  if (typeof v === "string") return /^\d+$/.test(v) ? Number(v) : [v];
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : 0;
  if (Array.isArray(v)) return v.length > 0 ? v[0] : {};
  if (isObject(v)) return Object.values(v);
  return "null";
};

const applyOps = (base: PropertyBag, ops: readonly Op[]): PropertyBag => {
  const root = copy(base) as PropertyBag;
  for (const o of ops) {
    const all = slots(root);
    if (o.kind === "insert") {
      const objects = [root, ...all.map(valueAt).filter(isObject)];
      define(objects[o.at % objects.length], o.key, build(o.value));
      continue;
    }
    if (all.length === 0) continue;
    const slot = all[o.at % all.length];
    if (o.kind === "delete") {
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key];
    } else setAt(slot, o.kind === "replace" ? build(o.value) : o.kind === "retype" ? retype(valueAt(slot)) : UNKNOWN);
  }
  return root;
};

/** 1-4 distinct nodes of a valid input replaced by the unknown sentinel (never a node inside one already replaced). */
const withUnknowns = (base: PropertyBag, picks: readonly number[]): { value: PropertyBag; at: string[] } => {
  const root = copy(base) as PropertyBag;
  const paths = nodePaths(root);
  const at: Segment[][] = [];
  for (const n of picks) {
    const p = paths[n % paths.length];
    if (at.some((a) => a.length <= p.length && a.every((s, i) => s === p[i]))) continue;
    replaceAt(root, p, UNKNOWN);
    at.push(p);
  }
  return { value: root, at: at.map((p) => p.join(".")) };
};

/** Kinds and fixtures by name and index, so that counterexamples print readably. */
const kindArb = fc.constantFrom(...kinds.map((k) => k.name));
const kindOf = (name: Kind["name"]): Kind => kinds.find((k) => k.name === name) as Kind;
/** "JobComponent#2": a kind and one of its valid inputs. */
const baseArb = fc.constantFrom(...kinds.flatMap((k) => k.bases.map((_b, i) => `${k.name}#${i}`)));
const fixture = (label: string): [Kind, () => PropertyBag] => {
  const [name, i] = label.split("#");
  const kind = kindOf(name as Kind["name"]);
  return [kind, kind.bases[Number(i)]];
};

// ---- what every answer must look like ----------------------------------------------------

/** Why an answer is malformed, or undefined. */
const malformed = (result: unknown, news: PropertyBag): string | undefined => {
  if (!isObject(result)) return "check returned no object";
  const failures = result.failures;
  if (failures !== undefined && !Array.isArray(failures)) return "failures is not a list";
  for (const f of (failures ?? []) as unknown[]) {
    if (!isObject(f)) return `a failure is not an object: ${String(f)}`;
    if (typeof f.property !== "string" || typeof f.reason !== "string") return `a failure lacks property/reason strings: ${JSON.stringify(f)}`;
    // Every input here is an object, so a failure always has a property to name; the one
    // exception is a property literally named "" (an empty key at the top level).
    if (f.property === "") {
      if (!Object.hasOwn(news, "")) return `a failure names no property: ${JSON.stringify(f)}`;
      counted.emptyKeyFailures += 1;
    }
    if (f.reason.trim() === "" || f.reason.trim() === f.property) return `a failure gives no reason: ${JSON.stringify(f)}`;
  }
  if (!isObject(result.inputs)) return "inputs is not an object";
  return undefined;
};

const runCheck = async (kind: Kind, olds: PropertyBag, news: PropertyBag): Promise<dynamic.CheckResult> => {
  freeze(olds);
  freeze(news);
  const started = performance.now();
  try {
    const result = await kind.provider.check(olds, news);
    const problem = malformed(result, news);
    if (problem !== undefined) throw new Error(`${kind.name}: ${problem}`);
    return result;
  } catch (e) {
    throw new Error(`${kind.name} check threw or answered badly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, { cause: e });
  } finally {
    counted.inProcess += 1;
    counted.inProcessMs += performance.now() - started;
  }
};

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(",");

// ---- setup ------------------------------------------------------------------------------

let emulator: Emulator;
const protoBefore = prototypeKeys();
const suiteStarted = Date.now();

beforeAll(async () => {
  emulator = await startEmulator({ seed: seed(), token: TOKEN });
  // Any HTTP call the provider made would land here.
  setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
});

afterAll(async () => {
  expect(emulator.requests()).toEqual([]);
  await emulator.close();
  setStackSettings({});
  console.log(
    `fuzz: ${counted.inProcess} inputs through check in-process (${Math.round(counted.inProcessMs)} ms in check), ` +
      `${counted.host} through the real host (${Math.round(counted.hostMs)} ms), ${counted.inProcess + counted.host} in all, suite ${Date.now() - suiteStarted} ms`,
  );
});

afterEach(() => {
  expect(prototypeKeys()).toBe(protoBefore);
  expect(({} as PropertyBag).polluted).toBeUndefined();
  expect(emulator.requests()).toEqual([]);
});

// ---- in-process --------------------------------------------------------------------------

describe("check in-process", () => {
  test("the valid fixtures pass, with and without their previous selves", async () => {
    await fc.assert(
      fc.asyncProperty(baseArb, fc.boolean(), async (label, update) => {
        const [kind, base] = fixture(label);
        const result = await runCheck(kind, update ? base() : {}, base());
        expect(result.failures ?? []).toEqual([]);
      }),
      { numRuns: RUNS.valid, seed: SEED },
    );
  });

  test("the unknown sentinel anywhere in a valid input is never a failure (create and update previews)", async () => {
    await fc.assert(
      fc.asyncProperty(baseArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.boolean(), async (label, picks, update) => {
        const [kind, base] = fixture(label);
        const { value, at } = withUnknowns(base(), picks);
        const result = await runCheck(kind, update ? base() : {}, value);
        expect({ at, failures: result.failures ?? [] }).toEqual({ at, failures: [] });
      }),
      { numRuns: RUNS.sentinel, seed: SEED },
    );
  });

  test("mutated valid inputs (deleted keys, random leaves, wrong types, unknowns, deep nesting, huge strings, __proto__/constructor keys): structured failures only", async () => {
    await fc.assert(
      fc.asyncProperty(
        baseArb,
        fc.array(op, { minLength: 1, maxLength: 5 }),
        fc.constantFrom("none", "same", "mutated"),
        fc.array(op, { maxLength: 2 }),
        async (label, ops, oldsKind, oldOps) => {
          const [kind, base] = fixture(label);
          const olds = oldsKind === "none" ? {} : oldsKind === "same" ? base() : applyOps(base(), oldOps);
          await runCheck(kind, olds, applyOps(base(), ops));
        },
      ),
      { numRuns: RUNS.mutated, seed: SEED },
    );
  });

  test("random objects: structured failures only", async () => {
    const randomProps = fc.array(fc.tuple(key, anyValue), { maxLength: 12 });
    const props = (entries: Array<[string, Recipe]>) => entries.reduce<PropertyBag>((o, [k, v]) => define(o, k, build(v)), {});
    await fc.assert(
      fc.asyncProperty(kindArb, randomProps, randomProps, async (name, olds, news) => {
        await runCheck(kindOf(name), props(olds), props(news));
      }),
      { numRuns: RUNS.random, seed: SEED },
    );
  });

  test("prototype-pollution keys are reported as unknown properties, not followed", async () => {
    for (const kind of kinds) {
      const news = define(kind.bases[0](), "__proto__", { polluted: "yes", name: "from-proto" });
      define(news, "constructor", { prototype: { polluted: "yes" } });
      const result = await runCheck(kind, {}, news);
      expect((result.failures ?? []).map((f) => f.property).sort()).toEqual(["__proto__", "constructor"]);
      expect(result.failures?.[0].reason).toMatch(/is not a known property/);
    }
  });

  test("values that form a URL (region, ids) in hostile and random shapes: a failure naming the property, or a value that keeps its place", async () => {
    const hostile = fc.oneof(
      fc.constantFrom(...HOSTILE_REGIONS, ...HOSTILE_IDS),
      fc.string({ maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom("cn-north-4", "app-demo", ""),
          fc.constantFrom(".", "..", "/", "?", "#", "%", " ", "\u0000", ":8443", ".evil.example"),
          fc.string({ maxLength: 8 }),
        )
        .map((parts) => parts.join("")),
    );
    const urlKeys: Record<string, readonly string[]> = {
      JobComponent: ["region", "projectId", "applicationId", "componentId"],
      ReleasePlan: ["region", "projectId", "releasePlanId"],
    };
    // {region} in the endpoint's host, so that every well-formed region is reachable.
    setStackSettings({ endpoint: emulator.url.replace("127.0.0.1", "{region}.localhost"), region: "cn-north-4", projectId: PROJECT_ID, authToken: TOKEN });
    await fc.assert(
      fc.asyncProperty(baseArb, fc.nat(), hostile, async (label, pick, value) => {
        const [kind, base] = fixture(label);
        const keys = urlKeys[kind.name];
        const key = keys[pick % keys.length];
        const result = await runCheck(kind, {}, { ...base(), [key]: value });
        const failed = (result.failures ?? []).map((f) => f.property);
        const fits = key === "region" ? isRegion(value) : isId(value);
        expect({ key, value, failed }).toEqual({ key, value, failed: fits ? [] : [key] });
      }),
      { numRuns: 2_000, seed: SEED },
    );
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
  });

  test("settings and credential files a pull request writes, in hostile and random shapes: check answers at once, no line of its message is the value's, nothing is sent, no file content is echoed", async () => {
    const attacker = await startAttacker();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-fuzz-settings-"));
    const tokenFile = path.join(scratch, "id-token");
    const forged = fc
      .tuple(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("\n", "\r\n", "\r", "\u2028", "\u0085", "\u001b[2K\r", ""),
        fc.constantFrom("::error::forged", "##[error]forged", ""),
      )
      .map((parts) => parts.join(""));
    const TEXT_KEYS = [
      "sharedConfigFile",
      "profile",
      "credentialsFile",
      "idTokenFile",
      "idpId",
      "assumeRoleAgencyName",
      "assumeRoleDomainName",
      "iamEndpoint",
      "endpoint",
      "region",
      "projectId",
    ] as const;
    const lines = (text: string) => text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).map((l) => l.trim());
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...TEXT_KEYS), forged, fc.uint8Array({ maxLength: 64 }), async (key, value, content) => {
          // The OIDC id token file holds random bytes, a CI secret among them: never a JWT, so never sent.
          fs.writeFileSync(tokenFile, Buffer.concat([Buffer.from("CI_FILE_SECRET="), Buffer.from(content)]));
          setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: attacker.url, [key]: value });
          let timer: NodeJS.Timeout | undefined;
          const said = await Promise.race([
            jobComponentProvider.check({}, fixture("JobComponent#0")[1]()).then(
              (r) => JSON.stringify(r.failures ?? []),
              (e: Error) => e.message,
            ),
            new Promise<string>((resolve) => (timer = setTimeout(() => resolve("check did not answer within 5 s"), 5_000))),
          ]).finally(() => clearTimeout(timer));
          expect(said).not.toBe("check did not answer within 5 s");
          expect(said).not.toContain("CI_FILE_SECRET");
          const injected = lines(value)
            .slice(1)
            .filter((l) => l !== "");
          for (const line of lines(said)) expect(injected).not.toContain(line);
        }),
        { numRuns: 300, seed: SEED },
      );
      expect(attacker.received).toEqual([]);
    } finally {
      setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, authToken: TOKEN });
      await attacker.close();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  test("the in-process runs add up to at least 10,000 inputs", () => {
    expect(counted.inProcess).toBeGreaterThanOrEqual(10_000);
  });
});

// ---- through Pulumi's real dynamic-provider host ---------------------------------------------

describe("check through the real provider host", () => {
  let host: ProviderHost;
  let registered: Registered[];

  beforeAll(async () => {
    registered = await captureInputs(() => [
      new JobComponent("job", { applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec() } as never),
      new ReleasePlan("plan", { releasePlanId: RELEASE_PLAN_ID, ...releaseSpec() } as never),
    ]);
    host = await startProviderHost(repo, { HW_AUTH_TOKEN: "", HW_ACCESS_KEY: "", HW_SECRET_KEY: "", SERVICESTAGE_ENDPOINT: "" });
    await host.configure({ "servicestage:endpoint": emulator.url, "servicestage:projectId": PROJECT_ID, "servicestage:authToken": TOKEN });
  });
  afterAll(async () => {
    await host?.close();
  });

  test(`${RUNS.host} sampled inputs: the same structured failures as in-process, no error, nothing on stderr, no HTTP`, async () => {
    const providerOf = (name: Kind["name"]) => String(registered.find((r) => r.type.endsWith(`:${name}`))?.inputs.__provider);
    /** What the host can carry: JSON, with smaller huge strings (a gRPC message holds a few MB). */
    const sample = fc.sample(
      fc.oneof(
        baseArb
          .map(fixture)
          .chain(([kind, base]) =>
            fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).map((picks) => ({ kind, olds: {}, news: withUnknowns(base(), picks).value, sentinel: true })),
          ),
        baseArb
          .map(fixture)
          .chain(([kind, base]) =>
            fc.array(opUpTo(LIMITS.host), { minLength: 1, maxLength: 4 }).map((ops) => ({ kind, olds: base(), news: applyOps(base(), ops), sentinel: false })),
          ),
      ),
      { numRuns: RUNS.host, seed: SEED },
    );
    const json = (v: unknown): PropertyBag => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "string" && x.length > 50_000 ? x.slice(0, 50_000) : x)));
    for (const { kind, olds, news, sentinel } of sample) {
      const n = json(news);
      const o = json(olds);
      const started = performance.now();
      const answer = await host.check(o, { ...n, __provider: providerOf(kind.name) }).catch((e: Error) => {
        throw new Error(`host check failed for ${kind.name} ${JSON.stringify(n).slice(0, 500)}: ${e.message}`);
      });
      counted.host += 1;
      counted.hostMs += performance.now() - started;
      expect(malformed(answer, n)).toBeUndefined();
      if (sentinel) expect(answer.failures).toEqual([]);
      // The host rebuilds `__proto__` keys as prototypes; elsewhere it must agree with the in-process check.
      if (!JSON.stringify(n).includes('"__proto__"')) {
        const local = await runCheck(kind, json(olds), json(news));
        const sorted = (fs: dynamic.CheckFailure[] | undefined) => [...(fs ?? [])].sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
        expect(sorted(answer.failures)).toEqual(sorted(local.failures));
      }
    }
    expect(counted.host).toBe(RUNS.host);
    expect(host.stderr()).toBe("");
  });
});
