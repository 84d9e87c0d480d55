/**
 * provider/iam.ts: the calls to IAM and to ECS metadata as Huawei's own code makes them,
 * in-process against the emulator's IAM side (emulator/iam.ts): OIDC federation's
 * exchange of the id token for temporary keys, and ECS metadata's keys with a session
 * token where the service has one. The sources that lead to these calls:
 * credentialSources.test.ts.
 */
import type { Emulator } from "../../emulator/server";
import { jobComponentProvider } from "../harness/providers";
import { ID_TOKEN, componentPath, credentialWorld } from "../harness/credentialWorld";
import { APP_ID, COMPONENT_ID, PROJECT_ID } from "../harness/world";

const world = credentialWorld();
const { file, readWith, iamCalls, issuedKeys } = world;
let emulator: Emulator;
beforeEach(() => {
  ({ emulator } = world);
});

describe("what IAM and ECS metadata are asked, and how", () => {
  test("OIDC federation: the id token exchanged at IAM for temporary keys, two unsigned calls; one exchange while the keys are valid", async () => {
    const tokenFile = file("id-token", `${ID_TOKEN}\n`);
    const settings = { projectId: PROJECT_ID, idpId: "ci-idp", idTokenFile: tokenFile, iamEndpoint: emulator.url };
    const first = await readWith(settings);
    expect(first).toMatchObject({ path: componentPath, auth: "aksk", accessKey: expect.stringMatching(/^TMP/) });
    expect(iamCalls()).toEqual(["POST /v3.0/OS-AUTH/id-token/tokens 201", "POST /v3.0/OS-CREDENTIAL/securitytokens 201"]);
    expect(issuedKeys()).toEqual([first.accessKey]);
    // Reused while valid: one exchange per process, not per request.
    emulator.clearRequests();
    await jobComponentProvider.read(`${APP_ID}/${COMPONENT_ID}`, {});
    expect(issuedKeys()).toHaveLength(1);
  });

  test("ECS metadata, when nothing else is set: with a session token where the service has one (required on a hardened ECS), without where it has none", async () => {
    process.env.SERVICESTAGE_METADATA_ENDPOINT = emulator.url;
    const expected = {
      optional: ["PUT /meta-data/latest/api/token 200", "GET /openstack/latest/securitykey 200"],
      required: ["PUT /meta-data/latest/api/token 200", "GET /openstack/latest/securitykey 200"],
      absent: ["PUT /meta-data/latest/api/token 404", "GET /openstack/latest/securitykey 200"],
    };
    for (const mode of ["optional", "required", "absent"] as const) {
      emulator.configureIam({ metadata: true, metadataToken: mode });
      const before = emulator.iamRequests().length;
      const read = await readWith({ projectId: PROJECT_ID });
      expect([mode, read]).toEqual([mode, expect.objectContaining({ path: componentPath, auth: "aksk", accessKey: expect.stringMatching(/^TMP/) })]);
      const calls = emulator.iamRequests().slice(before);
      expect([mode, calls.map((r) => `${r.method} ${r.path} ${r.status}`)]).toEqual([mode, expected[mode]]);
      // The keys are asked with the session token wherever one was given.
      expect([mode, calls.at(-1)?.principal]).toEqual([mode, mode === "absent" ? "none" : "metadata-token"]);
    }
    // A VM without an agency: 401 "Please configure Cloud Service Agency first", not a token problem; every source named.
    emulator.configureIam({ metadata: false, metadataToken: "optional" });
    await expect(readWith({ projectId: PROJECT_ID })).rejects.toThrow(
      /no ServiceStage credentials[\s\S]*ECS metadata.*answered 401[\s\S]*Why each of Huawei's SDKs' sources had nothing/,
    );
  });
});
