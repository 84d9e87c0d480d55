/**
 * The documentation cites repository paths, and a rename or a removal must not leave them
 * stale: every file and folder that README.md, CONTRIBUTING.md or docs/**\/*.md cite must
 * exist (docs/api/*.txt are vendored pages, not ours to check).
 *
 * What counts as a cited path:
 * - the target of a relative link, `[text](target)` or `[text]: target`, resolved from the
 *   markdown file's folder; an `#anchor` into a markdown file must name one of its
 *   headings (GitHub's slugs);
 * - the target of a link to a file of this repository on GitHub
 *   (`https://github.com/<owner>/<name>/blob/main/<path>`, or `/tree/main/` for a folder), which
 *   the pages for the Pulumi Registry (docs/_index.md, docs/installation-configuration.md)
 *   use because the Registry renders them away from the repository;
 * - a word inside code (an inline `code` span or a fenced block) that starts with one of
 *   the repository's top-level folders (`provider/`, `sdk/`, ...) or is one of its root
 *   files (`package.json`, `LICENSE`, ...), resolved from the repository root.
 *   `<placeholder>` and `*` stand for any characters within a path segment, and at least
 *   one file must match.
 * Anything else in code is not a repository path: commands, API paths (`/v3/...`), package
 * names, bare file names such as `index.ts` that mean an example's own file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, ENV_KEYS, SECRET_SETTINGS, SettingKey } from "../../provider/settings";

const repo = path.resolve(__dirname, "..", "..");

/** https://github.com/<owner>/<name>, from package.json's repository. */
const GITHUB_REPOSITORY = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { repository: { url: string } }).repository.url
  .replace(/^git\+/, "")
  .replace(/\.git$/, "");
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A link to a file or folder of this repository on GitHub: its path, and the anchor if any. */
const GITHUB_FILE = new RegExp(`^${escapeRegExp(GITHUB_REPOSITORY)}/(?:blob|tree)/main/([^?#]+)(?:#(.*))?$`);

const TOP_LEVEL_FOLDERS = ["provider", "plugin", "sdk", "emulator", "examples", "test", "scripts", "bench", "docs", "bin", ".ci", ".github"];
const ROOT_FILES = [
  "README.md",
  "CONTRIBUTING.md",
  "CHANGELOG.md",
  "LICENSE",
  "package.json",
  "package-lock.json",
  "Pulumi.yaml",
  "tsconfig.json",
  "tsconfig.test.json",
  "tsconfig.bench.json",
  "jest.config.js",
  "jest.unit.config.js",
  "eslint.config.mjs",
  ".prettierrc.json",
  ".prettierignore",
  ".gitignore",
];

interface Citation {
  /** Line in the markdown file, from 1. */
  line: number;
  /** As written. */
  written: string;
  /** Repository-relative path, `/`-separated, possibly with `*` and `<placeholder>` segments. */
  target: string;
  /** For a link into a markdown file: the heading slug after `#`. */
  anchor?: string;
}

/** Replaces a match with spaces (newlines kept), so that later scans skip it and line numbers stay right. */
const blank = (text: string): string => text.replace(/[^\n]/g, " ");

const lineAt = (text: string, index: number): number => text.slice(0, index).split("\n").length;

/** A word from code, stripped of the punctuation prose wraps it in; undefined unless it names a repository path. */
const repositoryPathIn = (word: string): string | undefined => {
  const bare = word
    .replace(/^[("'`[]+/, "")
    .replace(/[)"'`,.;:\]]+$/, "")
    .replace(/^\.\//, "");
  if (ROOT_FILES.includes(bare)) return bare;
  return TOP_LEVEL_FOLDERS.some((folder) => bare.startsWith(`${folder}/`)) ? bare.replace(/\/+$/, "") : undefined;
};

/** Every repository path a markdown file cites; `file` is its repository-relative path. */
const citedPaths = (markdown: string, file: string): Citation[] => {
  const found: Citation[] = [];
  const fromCode = (code: string, offset: number) => {
    for (const m of code.matchAll(/\S+/g)) {
      const target = repositoryPathIn(m[0]);
      if (target !== undefined) found.push({ line: lineAt(markdown, offset + (m.index ?? 0)), written: m[0], target });
    }
  };
  let rest = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^ {0,3}\1[ \t]*$/gm, (whole, _fence: string, body: string, offset: number) => {
    fromCode(body, offset + whole.indexOf(body));
    return blank(whole);
  });
  rest = rest.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (whole, ticks: string, code: string, offset: number) => {
    if (!code.includes("\n\n")) fromCode(code, offset + ticks.length);
    return blank(whole);
  });
  const links = [...rest.matchAll(/\]\(\s*<?([^)\s>]+)>?[^)]*\)/g), ...rest.matchAll(/^ {0,3}\[[^\]]+\]:\s*(\S+)/gm)];
  for (const m of links) {
    const written = m[1];
    const onGitHub = GITHUB_FILE.exec(written);
    if (onGitHub === null && /^[a-z][a-z0-9+.-]*:/i.test(written)) continue; // other https:, mailto:
    const [pathPart, anchor] = (onGitHub === null ? written.split("#", 2) : [onGitHub[1], onGitHub[2]]) as [string, string | undefined];
    const target =
      onGitHub !== null
        ? path.posix.normalize(decodeURIComponent(pathPart)).replace(/\/+$/, "")
        : pathPart === ""
          ? file
          : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(pathPart))).replace(/\/+$/, "");
    found.push({ line: lineAt(markdown, m.index ?? 0), written, target, ...(anchor !== undefined && anchor !== "" ? { anchor } : {}) });
  }
  return found.sort((a, b) => a.line - b.line);
};

/** GitHub's anchors for a markdown file's headings (lowercase, punctuation dropped, spaces to hyphens, repeats numbered). */
const headingSlugs = (markdown: string): Set<string> => {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  const prose = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[ \t]*$/gm, "");
  for (const m of prose.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$/gm)) {
    const slug = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    slugs.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return slugs;
};

/** Whether a repository-relative path exists; `*` and `<placeholder>` segments must match at least one entry. */
const exists = (target: string, root = repo): boolean => {
  const match = (dir: string, segments: string[]): boolean => {
    if (segments.length === 0) return true;
    const [segment, ...more] = segments;
    if (!/[*<]/.test(segment)) {
      const next = path.join(dir, segment);
      return fs.existsSync(next) && (more.length === 0 || fs.statSync(next).isDirectory()) && match(next, more);
    }
    const pattern = new RegExp(
      `^${segment
        .split(/(\*|<[^>]*>)/)
        .map((part) => (part === "*" || /^<.*>$/.test(part) ? ".+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("")}$`,
    );
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return false;
    return fs
      .readdirSync(dir)
      .filter((entry) => pattern.test(entry))
      .some((entry) => match(path.join(dir, entry), more));
  };
  return match(
    root,
    target.split("/").filter((s) => s !== ""),
  );
};

/** The citations that name nothing: a missing path, or an anchor no heading of the target has. */
const staleCitations = (markdown: string, file: string, root = repo): string[] =>
  citedPaths(markdown, file).flatMap((c) => {
    const cited = `${file}:${c.line}: ${c.written}${c.written === c.target ? "" : ` (${c.target})`}`;
    if (!exists(c.target, root)) return [`${cited} does not exist`];
    if (c.anchor !== undefined && c.target.endsWith(".md") && !headingSlugs(fs.readFileSync(path.join(root, c.target), "utf8")).has(c.anchor))
      return [`${cited}: no heading has the anchor #${c.anchor}`];
    return [];
  });

const markdownUnder = (dir: string): string[] =>
  fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return markdownUnder(rel);
    return e.name.endsWith(".md") ? [rel] : [];
  });

const documentation = ["README.md", "CONTRIBUTING.md", ...markdownUnder("docs")];

describe("the rule for a cited path", () => {
  const sample = [
    "# Title",
    "",
    "See `provider/client.ts`, `pulumi up`, `/v3/{project_id}/cas/jobs/{job_id}`, `index.ts` and",
    "`LICENSE`; the tables are in `provider/codecs/*` and `test/fixtures/providers-<version>.json`.",
    "Links: [the shim](../sdk/shim.ts), [tests](testing.md#the-suites), [Pulumi](https://www.pulumi.com), [top](#title).",
    "",
    "```sh",
    ". scripts/pulumi-env.sh   # and `provider/spec.ts` inside a fence is code too",
    "npm test",
    "```",
    "",
    "Stale: (`sdk/gone.ts`).",
  ].join("\n");

  test("finds paths in code spans, fences and relative links, and nothing else", () => {
    expect(citedPaths(sample, "docs/sample.md").map((c) => [c.line, c.target, c.anchor])).toEqual([
      [3, "provider/client.ts", undefined],
      [4, "LICENSE", undefined],
      [4, "provider/codecs/*", undefined],
      [4, "test/fixtures/providers-<version>.json", undefined],
      [5, "sdk/shim.ts", undefined],
      [5, "docs/testing.md", "the-suites"],
      [5, "docs/sample.md", "title"],
      [8, "scripts/pulumi-env.sh", undefined],
      [8, "provider/spec.ts", undefined],
      [12, "sdk/gone.ts", undefined],
    ]);
  });

  test("reports what does not exist, and matches placeholders and wildcards against real files", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "docs-test-"));
    try {
      for (const f of [
        "provider/client.ts",
        "provider/codecs/casing.ts",
        "test/fixtures/providers-0.1.0.json",
        "sdk/shim.ts",
        "scripts/pulumi-env.sh",
        "LICENSE",
      ]) {
        fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), "");
      }
      fs.mkdirSync(path.join(root, "docs"));
      fs.writeFileSync(path.join(root, "docs/testing.md"), "# Tests\n\n## The suites\n");
      fs.writeFileSync(path.join(root, "docs/sample.md"), sample);
      expect(staleCitations(sample, "docs/sample.md", root)).toEqual([
        "docs/sample.md:8: `provider/spec.ts` (provider/spec.ts) does not exist",
        "docs/sample.md:12: sdk/gone.ts does not exist",
      ]);
      fs.writeFileSync(path.join(root, "docs/testing.md"), "# Tests\n");
      expect(staleCitations(sample, "docs/sample.md", root)).toContain(
        "docs/sample.md:5: testing.md#the-suites (docs/testing.md): no heading has the anchor #the-suites",
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("a link to this repository on GitHub cites the path it names; other sites and repositories are not paths", () => {
    const page = [
      `[the example](${GITHUB_REPOSITORY}/blob/main/examples/yaml/Pulumi.yaml), [a folder](${GITHUB_REPOSITORY}/tree/main/examples/python/),`,
      `[a heading](${GITHUB_REPOSITORY}/blob/main/docs/testing.md#the-suites), [releases](${GITHUB_REPOSITORY}/releases),`,
      "[another repository](https://github.com/pulumi/pulumi/blob/main/README.md), [npm](https://www.npmjs.com/package/pulumi-servicestage).",
    ].join("\n");
    expect(citedPaths(page, "docs/_index.md").map((c) => [c.line, c.target, c.anchor])).toEqual([
      [1, "examples/yaml/Pulumi.yaml", undefined],
      [1, "examples/python", undefined],
      [2, "docs/testing.md", "the-suites"],
    ]);
  });

  test("heading anchors follow GitHub's slugs", () => {
    expect([...headingSlugs("# Running `pulumi up`\n## No job runs twice: what is adopted\n## Notes\n## Notes\n```\n# not a heading\n```\n")]).toEqual([
      "running-pulumi-up",
      "no-job-runs-twice-what-is-adopted",
      "notes",
      "notes-1",
    ]);
  });
});

describe("the documentation", () => {
  test("the rule's folders are the repository's, all of them", () => {
    // What .gitignore leaves out: built, installed or machine-local, never cited as a source.
    const notSources = [".git", "node_modules", "dist", ".tools", "coverage", ".pulumi-state"];
    const folders = fs
      .readdirSync(repo, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !notSources.includes(e.name))
      .map((e) => e.name);
    expect([...folders].sort()).toEqual([...TOP_LEVEL_FOLDERS].sort());
    expect(documentation).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/architecture.md", "docs/testing.md", "docs/benchmarks.md"]));
  });

  test.each(documentation)("every path %s cites exists", (file) => {
    const markdown = fs.readFileSync(path.join(repo, file), "utf8");
    expect(staleCitations(markdown, file)).toEqual([]);
  });

  test("the documentation cites paths at all (the rule finds them)", () => {
    const cited = documentation.flatMap((file) => citedPaths(fs.readFileSync(path.join(repo, file), "utf8"), file));
    expect(cited.length).toBeGreaterThan(50);
  });
});

/** A page's front matter (`---` YAML `---` at its top), parsed; undefined when it has none. */
const frontMatter = (markdown: string): Record<string, unknown> | undefined => {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  return m === null ? undefined : (parseYaml(m[1]) as Record<string, unknown>);
};

/** Runs of whitespace as one space: a documented excerpt may be re-indented or re-wrapped, never changed. */
const normalized = (code: string): string => code.replace(/\s+/g, " ").trim();

/** The fenced code blocks of a page: their info string, their body, and the prose since the previous block. */
const codeBlocks = (markdown: string): Array<{ line: number; info: string; body: string; before: string }> => {
  const blocks: Array<{ line: number; info: string; body: string; before: string }> = [];
  let end = 0;
  for (const m of markdown.matchAll(/^ {0,3}(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)^ {0,3}\1[ \t]*$/gm)) {
    const start = m.index ?? 0;
    blocks.push({ line: lineAt(markdown, start), info: m[2].trim(), body: m[3], before: markdown.slice(end, start) });
    end = start + m[0].length;
  }
  return blocks;
};

describe("the pages for the Pulumi Registry", () => {
  const read = (file: string): string => fs.readFileSync(path.join(repo, file), "utf8");

  test.each(["docs/_index.md", "docs/installation-configuration.md"])("%s has the Registry's front matter: title, meta_desc, layout: package", (file) => {
    const meta = frontMatter(read(file));
    expect(meta).toEqual(expect.objectContaining({ title: expect.any(String), meta_desc: expect.any(String), layout: "package" }));
  });

  describe("docs/_index.md: an example per language, each an excerpt of an example that runs", () => {
    const markdown = read("docs/_index.md");
    const blocks = codeBlocks(markdown);
    const EXTENSION: Record<string, string> = { typescript: ".ts", python: ".py", go: ".go", yaml: ".yaml" };
    /** The example file a block names: the last examples/... path in the prose since the previous block. */
    const namedExample = (block: { before: string }): string | undefined => [...block.before.matchAll(/examples\/[\w.-]+\/[\w./-]*[\w-]\.\w+/g)].at(-1)?.[0];

    test("it shows TypeScript, Python, Go and YAML, each in the chooser's tab of its language", () => {
      expect(blocks.map((b) => b.info).sort()).toEqual(Object.keys(EXTENSION).sort());
      for (const b of blocks) {
        expect([b.info, b.body.includes("JobComponent")]).toEqual([b.info, true]);
        const tabs = [...b.before.matchAll(/\{\{% choosable language (\w+) %\}\}/g)];
        expect([b.info, tabs.at(-1)?.[1]]).toEqual([b.info, b.info]);
      }
      const chooser = /\{\{< chooser language "([^"]+)" >\}\}/.exec(markdown);
      expect(chooser?.[1].split(",").sort()).toEqual(Object.keys(EXTENSION).sort());
    });

    test.each(blocks.map((b) => [`${b.info} (line ${b.line})`, b] as const))("the %s block is contained in the example file it names", (_name, block) => {
      const named = namedExample(block);
      expect(named).toMatch(new RegExp(`${escapeRegExp(EXTENSION[block.info])}$`));
      const file = path.join(repo, named ?? "");
      expect(fs.existsSync(file)).toBe(true);
      expect(normalized(fs.readFileSync(file, "utf8"))).toContain(normalized(block.body));
    });

    test("every example it names is one that a test (test/cli) or the demo runs", () => {
      const runners = [...fs.readdirSync(path.join(repo, "test", "cli")).map((f) => path.join("test", "cli", f)), path.join("scripts", "demo.js")]
        .filter((f) => fs.statSync(path.join(repo, f)).isFile())
        .map((f) => read(f))
        .join("\n");
      const folders = blocks.map((b) => namedExample(b)?.split("/")[1]);
      expect(new Set(folders).size).toBe(blocks.length);
      for (const folder of folders)
        expect([folder, runners.includes(`"examples", "${folder}"`) || runners.includes(`examples/${folder}`)]).toEqual([folder, true]);
    });
  });

  describe("docs/installation-configuration.md documents every setting", () => {
    const markdown = read("docs/installation-configuration.md");
    const settings = Object.keys(CONFIG_KEYS) as SettingKey[];

    test.each(settings)("%s: its stack config key and its environment variable", (key) => {
      expect(markdown).toContain(`\`${CONFIG_KEYS[key]}\``);
      expect(markdown).toContain(`\`${ENV_KEYS[key]}\``);
    });

    test.each(settings)("%s: set through `pulumi config set` (with --secret exactly for the secrets) and through the environment", (key) => {
      const secret = SECRET_SETTINGS.includes(key);
      expect(markdown).toContain(`pulumi config set ${secret ? "--secret " : ""}${CONFIG_KEYS[key]} `);
      if (secret) expect(markdown).not.toContain(`pulumi config set ${CONFIG_KEYS[key]} `);
      expect(markdown).toMatch(new RegExp(`^export ${ENV_KEYS[key]}=`, "m"));
    });

    test("every setting it names is one (none removed or misspelled)", () => {
      const named = new Set([...markdown.matchAll(/servicestage:([A-Za-z]+)/g)].map((m) => m[1]).filter((k) => k !== "index"));
      expect([...named].sort()).toEqual([...settings].sort());
    });

    test("the settings are the schema's provider configuration, all of them", () => {
      const schema = JSON.parse(read("plugin/schema.json")) as { config: { variables: Record<string, unknown> } };
      expect(Object.keys(schema.config.variables).sort()).toEqual([...settings].sort());
    });
  });
});

test("the README stays the front door: at most 250 lines, the rest in docs/", () => {
  const lines = fs.readFileSync(path.join(repo, "README.md"), "utf8").replace(/\n$/, "").split("\n");
  expect(lines.length).toBeLessThanOrEqual(250);
});
