/**
 * The language-host check of scripts/provision-pulumi.sh (`--check-host <path>`): it reads
 * the host's whole `-help` before matching. Piping `-help` into `grep -q` under pipefail
 * would fail about 1 check in 14 of a good host (grep leaves at its first match, the host
 * dies of SIGPIPE while printing the rest), stopping a cold `npm run demo`, `npm test` or
 * CI run for nothing.
 */
import { execFileSync, spawnSync } from "node:child_process";
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

test("the provisioned Python host has its exec shim beside the real host: ours is the launcher on PATH, with the real host and the shim in .tools/libexec/pulumi-language-python", () => {
  const host = realHost("pulumi-language-python");
  const ours = fs.realpathSync(host) === fs.realpathSync(path.join(repo, ".tools", "bin", "pulumi-language-python"));
  // A normal installation's host reads the runtime options itself and has its shim beside it.
  const real = ours ? path.join(repo, ".tools", "libexec", "pulumi-language-python", "pulumi-language-python") : host;
  if (ours) expect(fs.readFileSync(`${host}.version`, "utf8")).toMatch(/^v3\.65\.0 launcher /);
  expect({ real, status: checkHost(real) }).toEqual({ real, status: 0 });
  const shim = path.join(path.dirname(real), "pulumi-language-python-exec");
  expect(fs.statSync(shim).mode & 0o111).not.toBe(0);
  expect(fs.readFileSync(shim, "utf8")).toMatch(/^#!\/usr\/bin\/env python/);
});

/**
 * The launcher that provisioning puts on PATH in front of the Python host of v3.65.0: built
 * here from its source, with a stand-in for the real host at the place the launcher looks
 * (../libexec/pulumi-language-python/ from its bin/ folder) that writes down its process id,
 * its working directory and its arguments.
 */
describe("the Python launcher (scripts/go/pulumi-language-python/launcher)", () => {
  const ADDRESS = "127.0.0.1:12345";
  let launcher: string;
  let runs = 0;

  beforeAll(() => {
    const layout = path.join(scratch, "layout");
    const hostDir = path.join(layout, "libexec", "pulumi-language-python");
    fs.mkdirSync(path.join(layout, "bin"), { recursive: true });
    fs.mkdirSync(hostDir, { recursive: true });
    launcher = path.join(layout, "bin", "pulumi-language-python");
    execFileSync("go", ["build", "-o", launcher, "./launcher"], {
      cwd: path.join(repo, "scripts", "go", "pulumi-language-python"),
      env: { ...process.env, GONOSUMDB: "github.com/pulumi/*", GOFLAGS: "-mod=mod" },
      stdio: "pipe",
    });
    fs.writeFileSync(path.join(hostDir, "pulumi-language-python"), '#!/usr/bin/env bash\nprintf "%s\\n" "$$" "$(pwd -P)" "$@" >"$FAKE_HOST_OUT"\n', {
      mode: 0o755,
    });
  });

  type Launch = { status: number | null; samePid?: boolean; pwd?: string; argv?: string[]; stderr: string };
  /** The launcher started in `cwd` as the CLI starts a language host: the engine's address last. */
  const launch = (cwd: string, args: string[] = [ADDRESS], file = launcher): Launch => {
    const out = path.join(scratch, `host-${++runs}.txt`);
    const run = spawnSync(file, args, { cwd, env: { ...process.env, FAKE_HOST_OUT: out }, encoding: "utf8" });
    if (!fs.existsSync(out)) return { status: run.status, stderr: run.stderr };
    const [pid, pwd, ...argv] = fs.readFileSync(out, "utf8").replace(/\n$/, "").split("\n");
    return { status: run.status, samePid: Number(pid) === run.pid, pwd, argv, stderr: run.stderr };
  };
  /** A project folder with this Pulumi.yaml (or another project file name). */
  const project = (text: string, file = "Pulumi.yaml"): string => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(scratch, "project-")));
    fs.writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const python = (options: string) => `name: p\nruntime:\n  name: python\n  options:\n${options}`;

  test("a relative virtualenv: the real host gets -root (the project's folder) and -virtualenv, then the CLI's arguments, in the launcher's own process", () => {
    const dir = project(python("    virtualenv: venv\n"));
    expect(launch(dir)).toEqual({ status: 0, samePid: true, pwd: dir, argv: [`-root=${dir}`, "-virtualenv=venv", ADDRESS], stderr: "" });
  });

  test("an absolute virtualenv is passed as it is; toolchain pip is what the host does", () => {
    const dir = project(python("    toolchain: pip\n    virtualenv: /opt/venvs/p\n"));
    expect(launch(dir).argv).toEqual([`-root=${dir}`, "-virtualenv=/opt/venvs/p", ADDRESS]);
  });

  test("started in the folder `main:` names, it finds the project above and roots the virtualenv there", () => {
    const dir = project(`${python("    virtualenv: venv\n")}main: src\n`);
    fs.mkdirSync(path.join(dir, "src"));
    expect(launch(path.join(dir, "src"))).toMatchObject({ status: 0, pwd: path.join(dir, "src"), argv: [`-root=${dir}`, "-virtualenv=venv", ADDRESS] });
  });

  test("Pulumi.yml, a runtime named by a string, and a field of a later CLI that v3.65.0's schema refuses", () => {
    expect(launch(project("name: p\nruntime: python\n", "Pulumi.yml")).argv?.slice(1)).toEqual([ADDRESS]);
    const later = project(`${python("    virtualenv: venv\n")}template:\n  displayName: A later field\n`);
    expect(launch(later).argv).toEqual([`-root=${later}`, "-virtualenv=venv", ADDRESS]);
  });

  test("outside a Python project (none above, or one of another runtime) the host gets the CLI's arguments only", () => {
    const bare = fs.realpathSync(fs.mkdtempSync(path.join(scratch, "bare-")));
    expect(launch(bare, ["-help"]).argv).toEqual(["-help"]);
    expect(launch(project("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n")).argv).toEqual([ADDRESS]);
  });

  test("flags the CLI passes itself come after the launcher's, so they win (Go's flag package keeps the last)", () => {
    const dir = project(python("    virtualenv: venv\n"));
    expect(launch(dir, ["-virtualenv=other", ADDRESS]).argv).toEqual([`-root=${dir}`, "-virtualenv=venv", "-virtualenv=other", ADDRESS]);
  });

  test("an option v3.65.0 cannot honour stops it with an error naming the option, and the host never starts", () => {
    for (const [option, value] of [
      ["toolchain", "uv"],
      ["typechecker", "mypy"],
    ]) {
      const run = launch(project(python(`    ${option}: ${value}\n    virtualenv: venv\n`)));
      expect(run).toEqual({
        status: 1,
        stderr: expect.stringContaining(`runtime option ${option}: ${value} is not supported by this Python language host`) as string,
      });
    }
    expect(launch(project(python("    virtualenv: 3\n")))).toEqual({
      status: 1,
      stderr: expect.stringContaining("runtime option virtualenv must be a string") as string,
    });
  });

  test("without the real host beside it, it says where it looked and how to put it there", () => {
    const alone = path.join(scratch, "alone", "bin");
    fs.mkdirSync(alone, { recursive: true });
    fs.copyFileSync(launcher, path.join(alone, "pulumi-language-python"));
    fs.chmodSync(path.join(alone, "pulumi-language-python"), 0o755);
    const run = launch(scratch, [ADDRESS], path.join(alone, "pulumi-language-python"));
    expect(run).toEqual({
      status: 1,
      stderr: expect.stringMatching(
        /not where this launcher expects it .*libexec\/pulumi-language-python\/pulumi-language-python.*provision-pulumi\.sh/,
      ) as string,
    });
  });
});

test("a normal Pulumi installation first on PATH (its CLI and its Python host) is used as it is: nothing of ours goes before it", () => {
  const install = path.join(scratch, "pulumi-install");
  fs.mkdirSync(install);
  const version = `v${(JSON.parse(fs.readFileSync(path.join(repo, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version}`;
  fs.writeFileSync(path.join(install, "pulumi"), `#!/usr/bin/env bash\n[ "$1" = version ] && echo ${version}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(install, "pulumi-language-python"), "#!/usr/bin/env bash\necho '  -tracing string' >&2\n", { mode: 0o755 });
  const run = spawnSync(script, [], { env: { ...process.env, PATH: `${install}${path.delimiter}${process.env.PATH ?? ""}` }, encoding: "utf8" });
  expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr }).toEqual({ status: 0, stderr: "" });
  expect(run.stdout.trim().split(path.delimiter)[0]).toBe(fs.realpathSync(install));
  expect(run.stderr).toContain(`using pulumi-language-python from ${install}/pulumi-language-python`);
  expect(run.stderr).not.toContain("building");
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
