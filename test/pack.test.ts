/**
 * The package as a user installs it: `npm pack`, install the tarball into a program
 * folder outside this repository, register resources from there, and run Pulumi's real
 * dynamic-provider host in that folder, so `require("pulumi-servicestage/provider")`
 * resolves from the program's own node_modules.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../emulator/server";
import { unwrapSecrets } from "./helpers/captureInputs";
import { ProviderHost, startProviderHost } from "./helpers/providerHost";
import { APP_ID, COMPONENT_ID, PROJECT_ID, TOKEN, jobSpec, seed } from "./helpers/world";

const repo = path.resolve(__dirname, "..");
let program: string;
let emulator: Emulator;
let host: ProviderHost;

const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

beforeAll(async () => {
  program = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-program-"));
  // dist/ is built by `npm test` before jest runs; pack it as is.
  const tarball = npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", program], repo).trim().split("\n").pop() as string;
  fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "user-program", version: "1.0.0", private: true }));
  const pulumiVersion = JSON.parse(fs.readFileSync(path.join(repo, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", `./${tarball}`, `@pulumi/pulumi@${pulumiVersion}`], program);
  emulator = await startEmulator({ seed: seed(), token: TOKEN, jobDurationMs: 30 });
  host = await startProviderHost(program, { HW_AUTH_TOKEN: TOKEN, HW_PROJECT_ID: PROJECT_ID, SERVICESTAGE_ENDPOINT: emulator.url });
}, 180_000);

afterAll(async () => {
  await host?.close();
  await emulator?.close();
  if (program !== undefined) fs.rmSync(program, { recursive: true, force: true });
});

test("a program using the installed tarball registers resources the real host can run", async () => {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    const { JobComponent } = require("pulumi-servicestage");
    const registered = [];
    pulumi.runtime.setMocks({ newResource: (a) => { registered.push(a); return { id: a.name, state: a.inputs }; }, call: () => ({}) }, "p", "s", true);
    const job = new JobComponent("job", ${JSON.stringify({ applicationId: APP_ID, componentId: COMPONENT_ID, ...jobSpec({ version: "2025.0701.1" }) })});
    job.urn.apply(() => process.stdout.write(JSON.stringify(registered)));
  `;
  const registered = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: program, encoding: "utf8" })) as Array<{ type: string; inputs: Record<string, unknown> }>;
  expect(registered[0].type).toBe("pulumi-nodejs:dynamic/servicestage:JobComponent");
  const provider = String(registered[0].inputs.__provider);
  expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(4096);
  expect(provider).not.toContain(program);

  // Configured from the environment only: the fallback path users of CI systems take.
  await host.configure({});
  const checked = await host.check({}, unwrapSecrets(registered[0].inputs));
  expect(checked.failures).toEqual([]);
  const created = await host.create(checked.inputs);
  expect(created.properties).toMatchObject({ jobStatus: "SUCCEEDED", version: "2025.0701.1" });
  expect(emulator.getComponent(APP_ID, COMPONENT_ID)?.spec.version).toBe("2025.0701.1");
});
