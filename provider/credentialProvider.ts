/**
 * From a credential plan (credentialSources.ts) to the credentials each request is signed
 * with: static ones as given; OIDC's, ECS metadata's and an agency's obtained at IAM or
 * the metadata service on first use and renewed before they expire, so that a job wait
 * longer than their life goes on with fresh keys. Also the project id, when none is
 * given: looked up at IAM from the region, once per region and credentials, per process.
 *
 * Every secret handed out is remembered (knownSecrets.ts), so that both front doors can
 * redact them from any message; none is ever returned to the engine. Loaded on first use
 * (providerState.ts): it brings the HTTP stack, which a preview does not need.
 */
import type { CredentialProvider, Credentials } from "./client";
import { readIdToken } from "./credentialFiles";
import { CredentialPlan, noCredentialsError } from "./credentialSources";
import { knownSecrets, remember as rememberSecrets, secretsOf } from "./knownSecrets";
import { SettingsError } from "./errors";
import { IamClient, MetadataService, TemporaryCredentials, assumeAgencyWithOidc } from "./iam";

const remember = (c: Credentials): Credentials => {
  rememberSecrets(...secretsOf(c));
  return c;
};

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

const base = (plan: CredentialPlan, iam: IamClient): CredentialProvider => {
  switch (plan.kind) {
    case "static":
      return fixed(plan.credentials);
    case "oidc":
      return new Renewing(async () => {
        // Read at each exchange (a CI rotates the token file), by the same rules as at planning.
        const idToken = await readIdToken(plan.idTokenFile, plan.idTokenSetting, "OIDC federation");
        rememberSecrets(idToken);
        const token = await iam.tokenFromIdToken(plan.idpId, idToken);
        rememberSecrets(token);
        return iam.keysFromToken(token);
      });
    case "oidcSts": {
      const { idToken } = plan;
      return new Renewing(async () => {
        // A file is read at each exchange (a CI rotates it), by the same rules as at planning.
        const token = "value" in idToken ? idToken.value : await readIdToken(idToken.file, idToken.setting, "OIDC through STS");
        rememberSecrets(token);
        return assumeAgencyWithOidc(plan.stsEndpoint, plan, token);
      });
    }
    case "metadata": {
      const metadata = new MetadataService(plan.endpoint);
      return new Renewing(async () => {
        try {
          return await metadata.credentials();
        } catch (e) {
          throw e instanceof SettingsError ? noCredentialsError(e.message, plan.skipped) : e;
        }
      });
    }
  }
};

/**
 * The providers for a plan: `source`, the source's own credentials, and `signing`, those
 * with the plan's agency assumed on top (the same as `source` without an agency). A
 * preview's check may ask `source` of ECS metadata; only an up, a refresh or a read asks
 * `signing`, which calls IAM.
 */
export const credentialProvidersFor = (plan: CredentialPlan, iam: IamClient): { source: CredentialProvider; signing: CredentialProvider } => {
  const source = base(plan, iam);
  const agency = plan.agency;
  if (agency === undefined) return { source, signing: source };
  return { source, signing: new Renewing(async () => iam.assumeAgency(await source.current(), agency.agencyName, agency.domainName)) };
};

/** The project of a region, looked up at IAM once per region for this provider (a failed lookup is asked again). */
export const projectLookup = (iam: IamClient, credentials: CredentialProvider): ((region: string) => Promise<string>) => {
  const projects = new Map<string, Promise<string>>();
  return (region) => {
    let found = projects.get(region);
    if (found === undefined) {
      found = (async () => iam.projectIdOf(await credentials.current(), region))();
      found.catch(() => projects.delete(region));
      projects.set(region, found);
    }
    return found;
  };
};
