/**
 * Every credential secret this process has handed out (static, or temporary ones obtained
 * at IAM or ECS metadata), so that both front doors can redact them from any message. No
 * imports but a type: the plugin and providerState load it at start-up, before any HTTP
 * stack is needed.
 */
import type { Credentials } from "./client";

/** The secrets of one set of credentials. */
export const secretsOf = (c: Credentials): string[] =>
  c.kind === "token" ? [c.token] : [c.secretKey, ...(c.securityToken !== undefined ? [c.securityToken] : [])];

const seen = new Set<string>();
/** Remembers the credentials' secrets (and any other secret string) for redaction. */
export const remember = (...secrets: string[]): void => {
  for (const secret of secrets) seen.add(secret);
};
export const knownSecrets = (): string[] => [...seen];
