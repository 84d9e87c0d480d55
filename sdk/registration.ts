/**
 * What a resource hands to Pulumi besides the user's args: the properties it exposes as
 * outputs, and the args that must be secret.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The given keys set to undefined unless the args give them: Pulumi creates an output
 * on the resource for each key it is handed (undefined inputs are neither sent nor
 * stored). Used for the keys the provider may fill in itself (defaults, the job).
 */
export const withOutputsFor = <A extends object>(keys: ReadonlyArray<readonly string[]>, args: A): Record<string, unknown> => ({
  ...Object.fromEntries(keys.flat().map((k) => [k, undefined])),
  ...args,
});

/**
 * Every spec property is typed as an output (declaration merging in the classes), but
 * handing Pulumi all of them costs about 6 ms per resource (measured: registering 200
 * JobComponents took 0.5 s with the keys a program sets and 1.8 s with all 56). A spec
 * key the program left out can have no value (the provider returns declared keys only),
 * so its output is made on first access instead: undefined, after the resource. A key
 * the program set is an ordinary output: Pulumi assigns it, and the setter keeps it.
 */
export const declareSpecOutputs = (resourceClass: { prototype: object }, keys: readonly string[]): void => {
  for (const key of keys)
    Object.defineProperty(resourceClass.prototype, key, {
      configurable: true,
      get(this: pulumi.Resource) {
        const unset = this.urn.apply(() => undefined);
        Object.defineProperty(this, key, { value: unset, writable: true, enumerable: true, configurable: true });
        return unset;
      },
      set(this: object, value: unknown) {
        Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      },
    });
};

/** The named args wrapped in pulumi.secret, so that state encrypts them as inputs and as outputs. */
export const secretIfSet = <A extends object>(args: A, keys: ReadonlyArray<string>): Record<string, pulumi.Output<unknown>> =>
  Object.fromEntries(
    keys.filter((k) => (args as Record<string, unknown>)[k] !== undefined).map((k) => [k, pulumi.secret((args as Record<string, unknown>)[k])]),
  );

/**
 * What a resource class hands `pulumi.dynamic.Resource`: the args with an output for each
 * key the provider may fill in itself, the secret keys secret as inputs too (Pulumi stores
 * inputs in state, and a source can carry httpPassword), and those keys added to the
 * options' secret outputs.
 */
export const registration = <A extends object>(
  args: A,
  opts: pulumi.CustomResourceOptions | undefined,
  outputKeys: ReadonlyArray<readonly string[]>,
  secretKeys: readonly string[],
): { props: Record<string, unknown>; options: pulumi.CustomResourceOptions } => ({
  props: { ...withOutputsFor(outputKeys, args), ...secretIfSet(args, secretKeys) },
  options: { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretKeys] },
});
