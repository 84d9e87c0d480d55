/**
 * The language-host check of scripts/provision-pulumi.sh (`--check-host <path>`). It used to
 * pipe the host's `-help` into `grep -q` under pipefail: grep left at its first match, the
 * host died of SIGPIPE while printing the rest, and about 1 check in 14 of a good host
 * failed, stopping a cold `npm run demo`, `npm test` or CI run for nothing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repo } from "../harness/cli";

// 300 checks of the real host take about 8 to 12 s on 2 cores, about 32 s with both cores busy.
jest.setTimeout(120_000);

const script = path.join(repo, "scripts", "provision-pulumi.sh");
const HOST_NAME = "pulumi-language-nodejs";

/** The exit status of `provision-pulumi.sh --check-host <host>`. */
const checkHost = (host: string): number | null => spawnSync(script, ["--check-host", host], { stdio: "ignore" }).status;

/** A language host the tests run with: the one on PATH (`npm test` provisions it), else the built copy. */
const realHost = (name = HOST_NAME): string => {
  const candidates = [...(process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== ""), path.join(repo, ".tools", "bin")];
  for (const dir of candidates) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no ${name} on PATH or in .tools/bin: run the tests with \`npm test\`, which provisions it`);
};

let scratch: string;
/** An executable shell script standing in for a language host. */
const fakeHost = (name: string, body: string): string => {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  return file;
};
// Prints -tracing, then far more than a pipe holds (64 KiB): whoever stops reading at the
// match makes this writer fail, every time rather than 1 time in 14.
const CHATTY_USAGE = `printf '  -tracing string\\n'; printf '  -verbose int\\n%.0s' {1..20000}`;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "servicestage-provision-"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("the real language host passes the check 300 times in a row", () => {
  const host = realHost();
  const failures = Array.from({ length: 300 }, () => checkHost(host)).filter((status) => status !== 0).length;
  expect({ host, failures }).toEqual({ host, failures: 0 });
});

test.each(["pulumi-language-yaml", "pulumi-language-go", "pulumi-language-python"])("the provisioned %s passes the check", (name) => {
  const host = realHost(name);
  for (let i = 0; i < 20; i++) expect({ host, status: checkHost(host) }).toEqual({ host, status: 0 });
});

test("the Python host has its exec shim beside it (or on PATH), a Python script it runs", () => {
  const host = realHost("pulumi-language-python");
  const shim = [path.dirname(host), ...(process.env.PATH ?? "").split(path.delimiter)]
    .map((dir) => path.join(dir, "pulumi-language-python-exec"))
    .find((f) => fs.existsSync(f));
  expect(shim).toBeDefined();
  expect(fs.statSync(shim as string).mode & 0o111).not.toBe(0);
  expect(fs.readFileSync(shim as string, "utf8")).toMatch(/^#!\/usr\/bin\/env python/);
});

test("a host that prints -tracing early and much more after it passes", () => {
  const host = fakeHost("chatty", CHATTY_USAGE);
  // The fake really has the failure mode: the old check's pipeline fails on it.
  const old = spawnSync("bash", ["-o", "pipefail", "-c", `"$1" -help 2>&1 | grep -q -- '-tracing'`, "old-check", host]);
  expect(old.status).not.toBe(0);
  for (let i = 0; i < 20; i++) expect(checkHost(host)).toBe(0);
});

test("the exit status of -help does not decide: usage with -tracing and exit 2 passes, a clean exit without it fails", () => {
  expect(checkHost(fakeHost("usage-exit-2", "printf 'Usage of host:\\n  -tracing string\\n' >&2; exit 2"))).toBe(0);
  expect(checkHost(fakeHost("not-a-host", "echo 'some other program'; exit 0"))).toBe(1);
});

test("a missing or non-executable file fails the check", () => {
  expect(checkHost(path.join(scratch, "missing"))).toBe(1);
  const notExecutable = path.join(scratch, "not-executable");
  fs.writeFileSync(notExecutable, "#!/usr/bin/env bash\necho '  -tracing string'\n", { mode: 0o644 });
  expect(checkHost(notExecutable)).toBe(1);
});
