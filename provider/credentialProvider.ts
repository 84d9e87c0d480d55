/**
 * From a credential plan (credentialSources.ts) to the credentials each request is signed
 * with: static ones as given; OIDC's, ECS metadata's and an agency's obtained at IAM or
 * the metadata service on first use and renewed before they expire, so that a job wait
 * longer than their life goes on with fresh keys. Also the project id, when none is
 * given: looked up at IAM from the region, once per region and credentials, per process.
 *
 * Every secret handed out is remembered (`knownSecrets`), so that both front doors can
 * redact them from any message; none is ever returned to the engine.
 */
import * as fs from "node:fs";
import type { CredentialProvider, Credentials } from "./client";
import { secretsOf } from "./client";
import { CredentialPlan, expandHome, noCredentialsError } from "./credentialSources";
import { SettingsError } from "./errors";
import { IamClient, TemporaryCredentials, metadataCredentials } from "./iam";
import { REGION_PLACEHOLDER } from "./urlParts";

const seen = new Set<string>();
const remember = (c: Credentials): Credentials => {
  for (const secret of secretsOf(c)) seen.add(secret);
  return c;
};
/** Every secret a provider of this process has handed out (for redaction at the front doors). */
export const knownSecrets = (): string[] => [...seen];

/** Renewed when this little of their life is left: 10 minutes (Terraform's margin for metadata keys), or half a short life. */
const RENEW_BEFORE_MS = 10 * 60 * 1000;
const needsRenewal = (held: { expiresAt: number; obtainedAt: number }, now: number): boolean =>
  held.expiresAt - now < Math.min(RENEW_BEFORE_MS, (held.expiresAt - held.obtainedAt) / 2);

/** Temporary credentials, obtained on first use and again before they expire; one exchange at a time. */
class Renewing implements CredentialProvider {
  private held: (TemporaryCredentials & { obtainedAt: number }) | undefined;
  private pending: Promise<TemporaryCredentials & { obtainedAt: number }> | undefined;

  constructor(private readonly obtain: () => Promise<TemporaryCredentials>) {}

  async current(): Promise<Credentials> {
    const now = Date.now();
    if (this.held === undefined || needsRenewal(this.held, now)) {
      this.pending ??= this.obtain()
        .then((t) => {
          remember(t.credentials);
          return { ...t, obtainedAt: Date.now() };
        })
        .finally(() => (this.pending = undefined));
      this.held = await this.pending;
    }
    return this.held.credentials;
  }

  secrets(): readonly string[] {
    return knownSecrets();
  }
}

const fixed = (credentials: Credentials): CredentialProvider => {
  remember(credentials);
  return { current: async () => credentials, secrets: () => secretsOf(credentials) };
};

/** IAM's address: the setting, the source's, or the region's (Huawei's SDKs' default); a trailing /v3 (Terraform's auth_url) is dropped. */
export const iamEndpointFor = (setting: string | undefined, plan: CredentialPlan, region: string | undefined): string => {
  const given = setting ?? plan.iamEndpoint;
  if (given === undefined) return region !== undefined ? `https://iam.${region}.myhuaweicloud.com` : "https://iam.myhuaweicloud.com";
  const withRegion = given.includes(REGION_PLACEHOLDER) && region !== undefined ? given.split(REGION_PLACEHOLDER).join(region) : given;
  return withRegion.replace(/\/+$/, "").replace(/\/v3(\.0)?$/, "");
};

const base = (plan: CredentialPlan, iam: IamClient): CredentialProvider => {
  switch (plan.kind) {
    case "static":
      return fixed(plan.credentials);
    case "oidc":
      return new Renewing(async () => {
        // Read at each exchange: a CI rotates the token file.
        let idToken: string;
        try {
          idToken = fs.readFileSync(expandHome(plan.idTokenFile), "utf8").trim();
        } catch (e) {
          throw new SettingsError(`OIDC federation: the id token file ${plan.idTokenFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
        }
        seen.add(idToken);
        const token = await iam.tokenFromIdToken(plan.idpId, idToken);
        seen.add(token);
        return iam.keysFromToken(token);
      });
    case "metadata":
      return new Renewing(async () => {
        try {
          return await metadataCredentials(plan.endpoint);
        } catch (e) {
          throw e instanceof SettingsError ? noCredentialsError(e.message) : e;
        }
      });
  }
};

/** The provider for a plan: the source's credentials, with its agency assumed on top. */
export const credentialProviderFor = (plan: CredentialPlan, iam: IamClient): CredentialProvider => {
  const source = base(plan, iam);
  const agency = plan.agency;
  if (agency === undefined) return source;
  return new Renewing(async () => iam.assumeAgency(await source.current(), agency.agencyName, agency.domainName));
};

/** The project of a region, looked up once per IAM endpoint, credentials source and region. */
const projects = new Map<string, Promise<string>>();
export const lookedUpProjectId = (key: string, iam: IamClient, credentials: CredentialProvider, region: string): Promise<string> => {
  const id = `${iam.endpoint}\u0000${key}\u0000${region}`;
  let found = projects.get(id);
  if (found === undefined) {
    found = (async () => iam.projectIdOf(await credentials.current(), region))();
    // A failed lookup is not kept: the next request asks again.
    found.catch(() => projects.delete(id));
    projects.set(id, found);
  }
  return found;
};

/** Forgets what was obtained (a new configuration). */
export const resetCredentialState = (): void => {
  projects.clear();
};
