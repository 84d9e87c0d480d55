/**
 * A hostile pull request's preview, with the plain `pulumi` CLI and YAML programs in their
 * own folders, as a CI runs it: the stack config (the contributor's) names an IAM endpoint
 * that is a loopback "attacker" server (test/harness/attacker.ts) and files of the CI's.
 * - A YAML `get:` and an `options: import:` read ServiceStage during the preview: with an
 *   id token file that holds a CI secret, or `/proc/self/environ`, the preview fails naming
 *   the setting, and nothing of the file reaches any server or the output.
 * - With ECS metadata as the CI's source and an agency in the stack config, the preview's
 *   checks ask metadata only: no IAM call, nothing sent to the named endpoint.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../../emulator/server";
import { Attacker, startAttacker } from "../harness/attacker";
import { ProgramStack, repo } from "../harness/cli";
import { exampleSeed } from "../harness/world";

jest.setTimeout(300_000);

const CI_SECRET = "CI_DEPLOY_KEY=untrusted-preview-file-content";
const getDir = path.join(repo, "test", "programs", "yaml-get");
const importDir = path.join(repo, "test", "programs", "yaml-import");
const exampleDir = path.join(repo, "examples", "yaml");

let emulator: Emulator;
let attacker: Attacker;
let scratch: string;
let stacks: ProgramStack[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ seed: exampleSeed(), token: "demo-token", jobDurationMs: 300 });
  attacker = await startAttacker();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-untrusted-cli-"));
});
afterEach(async () => {
  for (const s of stacks) await s.dispose();
  stacks = [];
  await emulator.close();
  await attacker.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const stackIn = (dir: string, env: Record<string, string> = {}): ProgramStack => {
  const s = new ProgramStack(dir, env);
  stacks.push(s);
  return s;
};
/** The YAML host colours its diagnostics even without a terminal. */
const plainText = (output: string) => output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");

test("`get:` and `options: import:` with an id token file that is a CI secret or /proc/self/environ: the preview fails naming the setting; nothing reaches the IAM endpoint or the output", async () => {
  const secretFile = path.join(scratch, "ci.env");
  fs.writeFileSync(secretFile, `${CI_SECRET}\n`);
  const cases: Array<[string, RegExp]> = [
    [secretFile, /the OIDC id token file ".*ci\.env" does not hold an OIDC id token/],
    ["/proc/self/environ", /the OIDC id token file "\/proc\/self\/environ" is a pseudo-file of \/proc/],
  ];
  for (const dir of [getDir, importDir]) {
    const stack = stackIn(dir, { CI_SECRET_FOR_ENVIRON: CI_SECRET });
    await stack.init({
      "servicestage:endpoint": emulator.url,
      "servicestage:projectId": emulator.projectId,
      "servicestage:idpId": "ci-idp",
      "servicestage:iamEndpoint": attacker.url,
    });
    for (const [idTokenFile, rule] of cases) {
      // A path, not a secret (the CLI guesses one from the key's name).
      await stack.pulumi(["config", "set", "--plaintext", "servicestage:idTokenFile", idTokenFile]);
      const preview = await stack.run(["preview"]);
      expect([path.basename(dir), idTokenFile, preview.code]).toEqual([path.basename(dir), idTokenFile, expect.not.stringMatching(/^0$/)]);
      const output = plainText(preview.output);
      expect([path.basename(dir), idTokenFile, output]).toEqual([path.basename(dir), idTokenFile, expect.stringMatching(rule)]);
      expect(output).not.toContain("untrusted-preview-file-content");
    }
  }
  expect(attacker.received).toEqual([]);
  expect(emulator.requests()).toEqual([]);
  expect(emulator.iamRequests()).toEqual([]);
});

test("ECS metadata as the CI's source, an agency and an IAM endpoint in the stack config: `pulumi preview` asks metadata only, never IAM", async () => {
  emulator.configureIam({ metadata: true, agencies: [{ agencyName: "deployer", domainName: "acme" }] });
  const stack = stackIn(exampleDir, { SERVICESTAGE_METADATA_ENDPOINT: emulator.url });
  await stack.init({
    "servicestage:endpoint": emulator.url,
    "servicestage:projectId": emulator.projectId,
    "servicestage:assumeRoleAgencyName": "deployer",
    "servicestage:assumeRoleDomainName": "acme",
    "servicestage:iamEndpoint": attacker.url,
  });
  expect(await stack.preview()).toEqual({ create: 3 });
  expect(attacker.received).toEqual([]);
  expect(emulator.requests()).toEqual([]);
  const iam = emulator.iamRequests().map((r) => `${r.method} ${r.path}`);
  expect(iam.length).toBeGreaterThan(0);
  expect(new Set(iam)).toEqual(new Set(["PUT /meta-data/latest/api/token", "GET /openstack/latest/securitykey"]));
});

test("what the docs warn of: a `get:` reads during `pulumi preview`, exchanging a real id token at the IAM endpoint the stack config names", async () => {
  const idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGkifQ.c2ln";
  emulator.configureIam({ identityProviders: [{ id: "ci-idp", idToken }] });
  const tokenFile = path.join(scratch, "token");
  fs.writeFileSync(tokenFile, idToken);
  const stack = stackIn(getDir);
  await stack.init({
    "servicestage:endpoint": emulator.url,
    "servicestage:projectId": emulator.projectId,
    "servicestage:idpId": "ci-idp",
    "servicestage:iamEndpoint": emulator.url,
  });
  await stack.pulumi(["config", "set", "--plaintext", "servicestage:idTokenFile", tokenFile]);
  expect(await stack.preview()).toEqual({ create: 1 });
  expect(emulator.iamRequests().map((r) => r.path)).toEqual(["/v3.0/OS-AUTH/id-token/tokens", "/v3.0/OS-CREDENTIAL/securitytokens"]);
  expect(emulator.requests().map((r) => r.method)).toEqual(["GET"]);
});
