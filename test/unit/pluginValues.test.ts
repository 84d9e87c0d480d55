/**
 * plugin/values.ts: values between the engine and the lifecycle, in-process: a request's
 * Struct unpacked into plain values and the keys that arrived secret, secrets marked again
 * on the way out, and property bags packed into a Struct. Over gRPC, with the plugin as a
 * process: test/host/plugin.test.ts.
 */
import { markSecrets, toStruct, unpack } from "../../plugin/values";
import { pulumiRpc } from "../../provider/pulumiRpc";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../../provider/pulumiValues";

const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
const struct = (bag: Record<string, unknown>) => pulumiRpc().Struct.fromJavaScript(bag as never);

describe("unpack", () => {
  test("secrets are unwrapped at any depth, and each top-level key holding one is named; unknowns pass untouched", () => {
    const { props, secretKeys } = unpack(
      struct({
        authToken: secret("t0ken"),
        source: { kind: "package", httpPassword: secret("p4ss") },
        envs: [{ name: "A", value: secret("1") }],
        version: UNKNOWN,
        name: "job",
      }),
    );
    expect(props).toEqual({
      authToken: "t0ken",
      source: { kind: "package", httpPassword: "p4ss" },
      envs: [{ name: "A", value: "1" }],
      version: UNKNOWN,
      name: "job",
    });
    expect([...secretKeys].sort()).toEqual(["authToken", "envs", "source"]);
  });

  test("no Struct is an empty bag with no secret", () => {
    const { props, secretKeys } = unpack(undefined);
    expect(props).toEqual({});
    expect([...secretKeys]).toEqual([]);
  });
});

describe("markSecrets", () => {
  test("marks whole the keys the model keeps secret and those that arrived secret; leaves undefined, unknown and already secret values as they are", () => {
    const marked = markSecrets(
      { source: { httpPassword: "p4ss" }, envs: [{ name: "A", value: "1" }], token: UNKNOWN, gone: undefined, wrapped: secret("x"), name: "job" },
      (key) => ["source", "token", "gone"].includes(key),
      new Set(["envs", "wrapped"]),
    );
    expect(marked).toEqual({
      source: secret({ httpPassword: "p4ss" }),
      envs: secret([{ name: "A", value: "1" }]),
      token: UNKNOWN,
      gone: undefined,
      wrapped: secret("x"),
      name: "job",
    });
  });
});

describe("toStruct", () => {
  test("undefined properties are left out, undefined list items become null; the rest reads back as it was", () => {
    const packed = toStruct({ name: "job", replica: 2, gone: undefined, args: ["a", undefined], spec: { suspend: false, label: null } });
    expect(packed.toJavaScript()).toEqual({ name: "job", replica: 2, args: ["a", null], spec: { suspend: false, label: null } });
  });
});
