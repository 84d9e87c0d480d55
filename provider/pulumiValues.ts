/**
 * Pulumi's two special values as a provider sees them on the wire: the unknown sentinel
 * (a value not known yet during a preview) and the secret signature (a value wrapped as
 * secret). Both are asserted against @pulumi/pulumi's own in test/unit/sdk.test.ts.
 *
 * During `pulumi preview`, an input whose value is not known yet reaches a dynamic
 * provider's check and diff as this literal string, at any depth (Pulumi's
 * `dynamic` module, `unknownValue`). Validation must let it through.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

/** True when the value, or anything inside it, is still unknown. */
export const containsUnknown = (value: unknown): boolean => {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
};

/**
 * How a secret travels in a provider's property bags when the provider accepts secrets: an
 * object `{ [SECRET_SIG_KEY]: SECRET_SIG, value }` (@pulumi/pulumi `runtime/rpc`:
 * specialSigKey, specialSecretSig). Copied by value, as UNKNOWN is, so that the provider
 * loads none of Pulumi's runtime; test/unit/sdk.test.ts asserts all three against Pulumi's own.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
