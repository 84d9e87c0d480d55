/**
 * A section of an INI file as Python's `configparser` reads it, since that is how Huawei's
 * SDKs read their credentials file (huaweicloudsdkcore `ProfileCredentialProvider`:
 * `ConfigParser().read(path, encoding="utf-8")`, then `items("basic")`). Ported from
 * CPython 3.11's `RawConfigParser._read` and `BasicInterpolation`, so that a file means
 * here what it means to Huawei's tools, down to what fails:
 *
 * - keys are case-insensitive (lowercased); `=` and `:` both delimit; `#` and `;` start a
 *   comment line (not an inline comment); a line indented deeper than its key continues
 *   the value (joined with a line break), and blank lines inside a value are kept;
 * - `[DEFAULT]`'s keys apply to every section; section names are case-sensitive;
 * - `%%` is a `%`, `%(key)s` is another key's value;
 * - a BOM or a key before any section, a section or key given twice, a line that is no
 *   key, a lone `%`, an unknown `%(key)s` fail the read (`ConfigParserError`), as they fail
 *   Huawei's whole credential chain.
 *
 * Checked against Python's own configparser by test/oracle (Huawei's SDK as the oracle).
 */

export class ConfigParserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigParserError";
  }
}

const DEFAULT_SECTION = "DEFAULT";
const MAX_INTERPOLATION_DEPTH = 10;
/** Python's whitespace (`str.isspace`, `str.strip`, `re`'s `\s`): JavaScript's `\s` has the BOM and lacks \x1c-\x1f and \x85. */
// eslint-disable-next-line no-control-regex -- Python's whitespace includes the separators \x1c-\x1f
const SPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const strip = (s: string): string => {
  let start = 0;
  let end = s.length;
  while (start < end && SPACE.test(s[start])) start++;
  while (end > start && SPACE.test(s[end - 1])) end--;
  return s.slice(start, end);
};
const rstrip = (s: string): string => {
  let end = s.length;
  while (end > 0 && SPACE.test(s[end - 1])) end--;
  return s.slice(0, end);
};
const firstNonSpace = (s: string): number => {
  for (let i = 0; i < s.length; i++) if (!SPACE.test(s[i])) return i;
  return -1;
};

type Section = Map<string, string[]>;

/** Python's universal newlines: `\n`, `\r\n` and `\r` end a line. */
const linesOf = (text: string): string[] => text.split(/\r\n|\r|\n/);

/** Every section of the text, DEFAULT apart, with raw (not yet interpolated) values. */
const parse = (text: string): { defaults: Map<string, string>; sections: Map<string, Map<string, string>> } => {
  const defaults: Section = new Map();
  const sections = new Map<string, Section>();
  const added = new Set<string>();
  let current: Section | undefined;
  let sectionName: string | undefined;
  let option: string | undefined;
  let indentLevel = 0;
  const bad: number[] = [];
  linesOf(text).forEach((line, index) => {
    const lineNo = index + 1;
    const isComment = strip(line).startsWith("#") || strip(line).startsWith(";");
    const value = isComment ? "" : strip(line);
    if (value === "") {
      // A blank line inside a value is part of it; a comment line is not.
      if (!isComment && current !== undefined && option !== undefined && current.get(option) !== undefined) current.get(option)?.push("");
      return;
    }
    const indent = Math.max(firstNonSpace(line), 0);
    if (current !== undefined && option !== undefined && indent > indentLevel) {
      current.get(option)?.push(value);
      return;
    }
    indentLevel = indent;
    // Python's `.` is anything but a line feed.
    const header = /^\[([^\n]+)\]/.exec(value);
    if (header !== null) {
      sectionName = header[1];
      if (sectionName === DEFAULT_SECTION) current = defaults;
      else if (sections.has(sectionName)) {
        if (added.has(sectionName)) throw new ConfigParserError(`section ${JSON.stringify(sectionName)} is given twice (line ${lineNo})`);
        current = sections.get(sectionName);
        added.add(sectionName);
      } else {
        current = new Map();
        sections.set(sectionName, current);
        added.add(sectionName);
      }
      option = undefined;
      return;
    }
    if (current === undefined) throw new ConfigParserError(`line ${lineNo} comes before any [section] (a byte order mark counts)`);
    const delimiter = /[=:]/.exec(value);
    const name = delimiter === null ? "" : rstrip(value.slice(0, delimiter.index));
    if (delimiter === null || name === "") {
      bad.push(lineNo);
      return;
    }
    option = name.toLowerCase();
    const key = `${sectionName}\u0000${option}`;
    if (added.has(key)) throw new ConfigParserError(`key ${JSON.stringify(option)} is given twice in section ${JSON.stringify(sectionName)} (line ${lineNo})`);
    added.add(key);
    current.set(option, [strip(value.slice(delimiter.index + 1))]);
  });
  if (bad.length > 0)
    throw new ConfigParserError(
      `line${bad.length > 1 ? "s" : ""} ${bad.join(", ")} ${bad.length > 1 ? "are" : "is"} neither a [section], a key = value, nor a comment`,
    );
  const joined = (section: Section) => new Map([...section].map(([k, parts]) => [k, rstrip(parts.join("\n"))]));
  return { defaults: joined(defaults), sections: new Map([...sections].map(([name, s]) => [name, joined(s)])) };
};

/** BasicInterpolation: `%%` and `%(key)s`, looked up among the section's keys and DEFAULT's. */
const interpolate = (option: string, value: string, keys: Map<string, string>, depth = 1): string => {
  if (depth > MAX_INTERPOLATION_DEPTH) throw new ConfigParserError(`key ${JSON.stringify(option)}: %(...)s refers to itself too deeply`);
  let out = "";
  let rest = value;
  while (rest !== "") {
    const p = rest.indexOf("%");
    if (p < 0) return out + rest;
    out += rest.slice(0, p);
    rest = rest.slice(p);
    if (rest[1] === "%") {
      out += "%";
      rest = rest.slice(2);
    } else if (rest[1] === "(") {
      const m = /^%\(([^)]+)\)s/.exec(rest);
      if (m === null) throw new ConfigParserError(`key ${JSON.stringify(option)}: a bad %(...)s reference`);
      const referred = keys.get(m[1].toLowerCase());
      if (referred === undefined) throw new ConfigParserError(`key ${JSON.stringify(option)}: %(${m[1]})s names no key`);
      rest = rest.slice(m[0].length);
      out += referred.includes("%") ? interpolate(option, referred, keys, depth + 1) : referred;
    } else throw new ConfigParserError(`key ${JSON.stringify(option)}: a '%' must be followed by '%' or '(' (write %% for a percent sign)`);
  }
  return out;
};

/**
 * The keys of one section (DEFAULT's included, interpolated), or undefined when the file
 * has no such section; a ConfigParserError when configparser would fail on the file.
 */
export const readSection = (text: string, name: string): Record<string, string> | undefined => {
  const { defaults, sections } = parse(text);
  const own = sections.get(name);
  if (own === undefined) return undefined;
  const keys = new Map([...defaults, ...own]);
  return Object.fromEntries([...keys].map(([k, v]) => [k, interpolate(k, v, keys)]));
};
