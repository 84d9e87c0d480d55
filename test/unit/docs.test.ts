/**
 * The documentation cites repository paths, and a rename or a removal must not leave them
 * stale: every file and folder that README.md, CONTRIBUTING.md or docs/**\/*.md cite must
 * exist (docs/api/*.txt are vendored pages, not ours to check).
 *
 * What counts as a cited path:
 * - the target of a relative link, `[text](target)` or `[text]: target`, resolved from the
 *   markdown file's folder; an `#anchor` into a markdown file must name one of its
 *   headings (GitHub's slugs);
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

const repo = path.resolve(__dirname, "..", "..");

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
    if (/^[a-z][a-z0-9+.-]*:/i.test(written)) continue; // https:, mailto:
    const [pathPart, anchor] = written.split("#", 2);
    const target = pathPart === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(pathPart))).replace(/\/+$/, "");
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
