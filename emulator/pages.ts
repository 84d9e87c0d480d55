/**
 * The emulator's request validation, read from the API pages themselves
 * (docs/api/*.txt): every table's parameters, whether each is mandatory, its type, and
 * the table it points to ("See Table N"). It shares no code with the provider's codecs,
 * so that the two can disagree: a field the provider misspells, mistypes or leaves out
 * is refused here as ServiceStage refuses it, with `SVCSTG.00100400` and the snake_case
 * path of the field.
 *
 * On top of the tables, a few rules the pages state in prose (names, the version
 * pattern, lengths, the enums that matter for routing a request) are written out below
 * from the pages' text. Conditional rules ("required when kind is package") are left to
 * the provider's own checks: the emulator judges the shape of what arrives.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type PageName = "redeploy-job-component" | "edit-release-plan";

interface Param {
  name: string;
  mandatory: boolean;
  type: string;
  /** The table a nested object or list points to. */
  table?: number;
}
type Tables = Map<number, Param[]>;

const TYPES =
  /^(String|Integer|Long|Number|Float|Double|Boolean|Object|Array of objects|Array of Objects|Array of String|Array of strings|Map<String, ?String>|Map<String, ?Object>)$/;

/** The folder of the vendored pages, from the sources or from a built copy. */
const pagesDir = (): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "docs", "api");
    if (fs.existsSync(path.join(candidate, "redeploy-job-component.txt"))) return candidate;
  }
  throw new Error(`docs/api with the API pages not found above ${__dirname}`);
};

/** Every "Table N" of a page with its rows: name, Yes/No, type, description. */
export const readTables = (text: string): Tables => {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const tables: Tables = new Map();
  let current: Param[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const heading = /^Table (\d+) /.exec(lines[i]);
    if (heading) {
      current = [];
      tables.set(Number(heading[1]), current);
      continue;
    }
    if (current === undefined) continue;
    if ((lines[i + 1] === "Yes" || lines[i + 1] === "No") && /^[A-Za-z_][\w]*$/.test(lines[i])) {
      // One type ("String"), or several as bullets ("• String", "• Integer": max_surge).
      const types: string[] = [];
      let j = i + 2;
      if (TYPES.test(lines[j] ?? "")) types.push(lines[j++]);
      else for (; lines[j]?.startsWith("• ") && TYPES.test(lines[j].slice(2)); j++) types.push(lines[j].slice(2));
      if (types.length === 0) continue;
      let description = "";
      for (; j < lines.length && !/^Table \d+ /.test(lines[j]) && !(lines[j + 1] === "Yes" || lines[j + 1] === "No"); j++) description += `${lines[j]} `;
      const ref = /See Table (\d+)/.exec(description);
      current.push({ name: lines[i], mandatory: lines[i + 1] === "Yes", type: types.join(" | "), ...(ref ? { table: Number(ref[1]) } : {}) });
      i += 1 + types.length;
    }
  }
  return tables;
};

const cache = new Map<PageName, Tables>();
const tablesOf = (page: PageName): Tables => {
  let tables = cache.get(page);
  if (tables === undefined) {
    tables = readTables(fs.readFileSync(path.join(pagesDir(), `${page}.txt`), "utf8"));
    cache.set(page, tables);
  }
  return tables;
};

/** Table 3 of both pages is the request body. */
const BODY_TABLE = 3;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Rules the pages state in prose, by page, table and snake_case field. */
const COMPONENT_NAME = (v: unknown) =>
  // "2 to 64 characters consisting of letters, digits, hyphens (-), and underscores (_). It starts with a letter and ends with a letter or digit."
  typeof v === "string" && !/^[A-Za-z][\w-]{0,62}[A-Za-z0-9]$/.test(v)
    ? "must be 2 to 64 letters, digits, hyphens and underscores, starting with a letter and ending with a letter or digit"
    : undefined;
const COMPONENT_VERSION = (v: unknown) =>
  // "up to 32 characters. It needs to meet the following rule: ^([0-9]+)(.[0-9]+){2,3}$"
  typeof v === "string" && (v.length > 32 || !/^([0-9]+)(.[0-9]+){2,3}$/.test(v))
    ? "must match ^([0-9]+)(.[0-9]+){2,3}$ and be at most 32 characters"
    : undefined;
const atMost = (n: number) => (v: unknown) => (typeof v === "string" && v.length > n ? `must be at most ${n} characters` : undefined);
const among =
  (...values: string[]) =>
  (v: unknown) =>
    typeof v === "string" && !values.includes(v) ? `must be one of ${values.join(", ")}` : undefined;
const PROSE_RULES: Record<PageName, Record<string, (v: unknown) => string | undefined>> = {
  "redeploy-job-component": {
    "3.name": COMPONENT_NAME,
    "3.version": COMPONENT_VERSION,
    "3.description": atMost(128),
    "28.deploy_mode": among("container", "virtualmachine"),
    "28.type": among("Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"),
    "29.kind": among("code", "package", "image"),
  },
  "edit-release-plan": {
    "3.fail_strategy": among("continue", "stop"),
    "4.name": COMPONENT_NAME,
    "4.version": COMPONENT_VERSION,
    "4.description": atMost(128),
    "31.deploy_mode": among("container", "virtualmachine"),
    "31.type": among("Java", "Tomcat", "Nodejs", "Php", "Docker", "Python"),
    "32.kind": among("code", "package", "image"),
  },
};

const typeIssue = (type: string, value: unknown): string | undefined => {
  const alternatives = type.split(" | ");
  if (alternatives.length > 1) return alternatives.some((t) => typeIssue(t, value) === undefined) ? undefined : `must be one of ${alternatives.join(", ")}`;
  switch (type) {
    case "String":
      return typeof value === "string" ? undefined : "must be a string";
    case "Integer":
    case "Long":
      return Number.isInteger(value) ? undefined : "must be an integer";
    case "Number":
    case "Float":
    case "Double":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "must be a number";
    case "Boolean":
      return typeof value === "boolean" ? undefined : "must be a boolean";
    case "Object":
      return isObject(value) ? undefined : "must be an object";
    case "Array of objects":
    case "Array of Objects":
      return Array.isArray(value) && value.every(isObject) ? undefined : "must be a list of objects";
    case "Array of String":
    case "Array of strings":
      return Array.isArray(value) && value.every((x) => typeof x === "string") ? undefined : "must be a list of strings";
    default:
      if (type.startsWith("Map<String, String") || type.startsWith("Map<String,String"))
        return isObject(value) && Object.values(value).every((x) => typeof x === "string") ? undefined : "must be an object of strings";
      return isObject(value) ? undefined : "must be an object";
  }
};

/** The problems of one object against one table, with snake_case paths. */
const check = (page: PageName, tableNo: number, value: Record<string, unknown>, at: string, issues: string[]): void => {
  const params = tablesOf(page).get(tableNo);
  if (params === undefined) throw new Error(`${page}: no Table ${tableNo}`);
  const join = (key: string) => (at === "" ? key : `${at}.${key}`);
  for (const p of params) if (p.mandatory && (value[p.name] === undefined || value[p.name] === null)) issues.push(`${join(p.name)}: is required`);
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    const p = params.find((x) => x.name === key);
    if (p === undefined) {
      issues.push(`${join(key)}: is not a parameter of Table ${tableNo}`);
      continue;
    }
    const typeProblem = typeIssue(p.type, v);
    if (typeProblem !== undefined) {
      issues.push(`${join(key)}: ${typeProblem} (${p.type})`);
      continue;
    }
    const prose = PROSE_RULES[page][`${tableNo}.${key}`]?.(v);
    if (prose !== undefined) issues.push(`${join(key)}: ${prose}`);
    if (p.table === undefined) continue;
    if (Array.isArray(v)) v.forEach((item, i) => check(page, p.table as number, item as Record<string, unknown>, `${join(key)}[${i}]`, issues));
    else if (p.type.startsWith("Map<")) checkKnownKeys(page, p.table, v as Record<string, unknown>, join(key), issues);
    else check(page, p.table, v as Record<string, unknown>, join(key), issues);
  }
};

/** A map with a table of known keys (build.parameters): the known keys are checked, the user's own pass. */
const checkKnownKeys = (page: PageName, tableNo: number, value: Record<string, unknown>, at: string, issues: string[]): void => {
  const params = tablesOf(page).get(tableNo) ?? [];
  check(page, tableNo, Object.fromEntries(Object.entries(value).filter(([k]) => params.some((p) => p.name === k))), at, issues);
};

/** Every problem of a request body against its page, e.g. `runtime_stack.deploy_mode: must be container or virtualmachine`. */
export const requestBodyIssues = (page: PageName, body: unknown): string[] => {
  if (!isObject(body)) return ["the request body must be a JSON object"];
  const issues: string[] = [];
  check(page, BODY_TABLE, body, "", issues);
  return issues;
};

/** The parameters of a page's table, for tests and for what the emulator's GET hides. */
export const tableParams = (page: PageName, tableNo: number): readonly string[] => (tablesOf(page).get(tableNo) ?? []).map((p) => p.name);
