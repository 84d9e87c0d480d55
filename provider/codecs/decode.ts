/**
 * A user's camelCase value through a page's codec: renamed to the wire (casing.ts), then
 * decoded, with every problem reported by its camelCase path (report.ts).
 */
import * as t from "io-ts";
import { Issue, toWire } from "./casing";
import { issuesOf } from "./report";

export type Decoded<A> = { ok: true; value: A } | { ok: false; issues: Issue[] };

/** camelCase user value -> decoded wire body. With unknowns (preview) the issues may be empty while ok is false. */
export const decodeSpec = <A>(codec: t.Type<A, unknown, unknown>, camel: unknown, prefix = ""): Decoded<A> => {
  const issues: Issue[] = [];
  const wire = toWire(codec, camel, issues);
  const decoded = codec.decode(wire);
  if (issues.length === 0 && decoded._tag === "Right") return { ok: true, value: decoded.right };
  const prefixed = issues.map((i) => ({ path: prefix === "" ? i.path : i.path === "" ? prefix : `${prefix}.${i.path}`, message: i.message }));
  return { ok: false, issues: [...prefixed, ...(decoded._tag === "Left" ? issuesOf(decoded.left, prefix) : [])] };
};
