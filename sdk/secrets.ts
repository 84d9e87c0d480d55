import * as pulumi from "@pulumi/pulumi";

/** The named args wrapped in pulumi.secret, so that state encrypts them as inputs and as outputs. */
export const secretIfSet = <A extends object>(args: A, ...keys: Array<keyof A & string>): Record<string, pulumi.Output<unknown>> =>
  Object.fromEntries(keys.filter((k) => args[k] !== undefined).map((k) => [k, pulumi.secret(args[k] as unknown)]));
