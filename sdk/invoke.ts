/**
 * The read functions in a TypeScript program's own process: Pulumi's dynamic providers
 * have no invoke, so sdk/functions.ts calls the core here, with the stack's
 * `servicestage:*` config and the environment as the provider reads them. The core is
 * loaded on the first call, so that a program that calls none does not pay for it.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as ProviderModule from "../provider/index";

export const invokeInProgram = async <Result>(name: string, args: object): Promise<Result> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const provider = require("../provider/index") as typeof ProviderModule;
  const config = new Map(Object.entries(pulumi.runtime.allConfig()));
  await provider.configure({ config } as unknown as Parameters<typeof provider.configure>[0]);
  // The answer's shape is the function definition's, which sdk/generated.ts's Result types are generated from.
  return (await provider.invoke(name, args as Record<string, unknown>)) as Result;
};

/** The Output form: waits for the arguments; a function whose answer can carry a credential answers a secret. */
export const invokeOutput = <Result>(name: string, args: object, secret: boolean): pulumi.Output<Result> => {
  const answer = pulumi.output(args).apply((resolved) => invokeInProgram<Result>(name, resolved)) as unknown as pulumi.Output<Result>;
  return secret ? (pulumi.secret(answer) as unknown as pulumi.Output<Result>) : answer;
};
