/**
 * What a resource hands to Pulumi besides the user's args: every property it exposes as
 * an output, and the args that must be secret.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Every key, set to undefined unless the args give it: Pulumi creates an output property
 * on the resource for each key it is given, so that `job.envs` is an Output even when
 * the program did not set `envs` (undefined inputs are not sent or stored).
 */
export const withOutputsFor = <A extends object>(keys: ReadonlyArray<readonly string[]>, args: A): Record<string, unknown> => ({
  ...Object.fromEntries(keys.flat().map((k) => [k, undefined])),
  ...args,
});

/** The named args wrapped in pulumi.secret, so that state encrypts them as inputs and as outputs. */
export const secretIfSet = <A extends object>(args: A, ...keys: Array<keyof A & string>): Record<string, pulumi.Output<unknown>> =>
  Object.fromEntries(keys.filter((k) => args[k] !== undefined).map((k) => [k, pulumi.secret(args[k] as unknown)]));
