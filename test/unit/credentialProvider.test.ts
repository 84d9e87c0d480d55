/**
 * provider/credentialProvider.ts: from a credential plan to the keys each request is
 * signed with, in-process against the emulator and its IAM side (emulator/iam.ts): an
 * agency's keys obtained with the caller's; the project id looked up from the region once
 * per region and credentials; temporary keys renewed before they expire, also during a
 * long job wait. Where the plan comes from: credentialSources.test.ts.
 */
import type { Emulator } from "../../emulator/server";
import { jobComponentProvider } from "../harness/providers";
import { setStackSettings } from "../../provider/providerState";
import { ID_TOKEN, PERMANENT_AK, PERMANENT_SK, REGION, componentPath, credentialWorld } from "../harness/credentialWorld";
import { APP_ID, COMPONENT_ID, PROJECT_ID, jobComponentInputs } from "../harness/world";

const world = credentialWorld();
const { file, readWith, iamCalls, issuedKeys } = world;
let emulator: Emulator;
beforeEach(() => {
  ({ emulator } = world);
});

describe("an agency on top of a source", () => {
  test("an agency assumed on top of a source: the caller's keys sign the assume, the agency's the requests", async () => {
    const settings = {
      projectId: PROJECT_ID,
      accessKey: PERMANENT_AK,
      secretKey: PERMANENT_SK,
      assumeRoleAgencyName: "servicestage-deployer",
      assumeRoleDomainName: "acme",
      iamEndpoint: `${emulator.url}/v3`,
    };
    const read = await readWith(settings);
    expect(read.accessKey).toMatch(/^TMP/);
    expect(emulator.iamRequests()).toEqual([expect.objectContaining({ path: "/v3.0/OS-CREDENTIAL/securitytokens", status: 201, principal: PERMANENT_AK })]);
    await expect(readWith({ ...settings, assumeRoleAgencyName: "not-there" })).rejects.toThrow(
      /assuming the agency "not-there" of domain "acme".*answered 404/,
    );
  });
});

describe("the project id, looked up from the region", () => {
  test("once per region and credentials, signed; none or several named after the region is an error saying what to set", async () => {
    const settings = { region: REGION, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK, iamEndpoint: emulator.url };
    expect((await readWith(settings)).path).toBe(componentPath);
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {});
    expect(iamCalls()).toEqual([`GET /v3/projects 200`]);
    expect(emulator.iamRequests()[0].principal).toBe(PERMANENT_AK);

    emulator.configureIam({ projects: [] });
    await expect(readWith(settings)).rejects.toThrow(/lists no project named cn-north-4: confirm that the project exists.*servicestage:projectId/);
    emulator.configureIam({
      projects: [
        { id: "p1", name: REGION },
        { id: "p2", name: REGION },
      ],
    });
    await expect(readWith(settings)).rejects.toThrow(/several projects named cn-north-4 \(p1, p2\)/);
  });

  test("check needs a project or a region, and calls neither ServiceStage nor IAM", async () => {
    setStackSettings({ endpoint: emulator.url, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK });
    await expect(jobComponentProvider.check({}, jobComponentInputs())).rejects.toThrow(/no ServiceStage project id.*or a region.*looked up at IAM/);
    setStackSettings({ endpoint: emulator.url, region: REGION, accessKey: PERMANENT_AK, secretKey: PERMANENT_SK, iamEndpoint: emulator.url });
    expect((await jobComponentProvider.check({}, jobComponentInputs())).failures).toEqual([]);
    expect([emulator.requests(), emulator.iamRequests()]).toEqual([[], []]);
  });
});

describe("temporary credentials are renewed before they expire, also during a long job wait", () => {
  test("an OIDC update whose job outlives its keys: the polls go on with fresh keys, and the update succeeds", async () => {
    emulator.configureIam({ lifetimeMs: 2_000 });
    emulator.setJobDuration({ ms: 5_000 });
    const tokenFile = file("id-token", ID_TOKEN);
    setStackSettings({ endpoint: emulator.url, projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: emulator.url });
    const inputs = (await jobComponentProvider.check({}, jobComponentInputs())).inputs as Record<string, unknown>;
    const created = await jobComponentProvider.create(inputs as never);
    expect(created.outs).toMatchObject({ jobStatus: "SUCCEEDED" });
    const keys = issuedKeys();
    expect(keys.length).toBeGreaterThanOrEqual(3);
    // Every ServiceStage request was accepted, and signed with a key IAM issued.
    expect(emulator.requests().every((r) => r.status === 200 && keys.includes(r.accessKey as string))).toBe(true);
    // Nothing a source gave reaches the outputs.
    const text = JSON.stringify(created.outs);
    for (const secret of [ID_TOKEN, ...keys]) expect(text).not.toContain(secret);
  }, 30_000);
});
