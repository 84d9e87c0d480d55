/**
 * Turns io-ts failures into issues a user can act on: the camelCase property path and
 * the rule that was broken. Failures caused by values that are still unknown during a
 * preview are dropped: they will be checked again when the values are known.
 */
import * as t from "io-ts";
import { UNKNOWN } from "../unknown";
import { Issue, camelKey, objectProps } from "./casing";

type Tagged = t.Decoder<unknown, unknown> & { _tag?: string };

const pathOf = (context: t.Context): string => {
  let path = "";
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1].type as Tagged;
    const key = context[i].key;
    switch (parent._tag) {
      case "IntersectionType":
      case "UnionType":
        continue;
      case "ArrayType":
        path += `[${key}]`;
        continue;
      case "DictionaryType":
        path += path === "" ? key : `.${key}`;
        continue;
      case "OpenObject": {
        const known = objectProps(parent as unknown as t.Mixed) ?? {};
        const name = key in known ? camelKey(key) : key;
        path += path === "" ? name : `.${name}`;
        continue;
      }
      default:
        path += path === "" ? camelKey(key) : `.${camelKey(key)}`;
    }
  }
  return path;
};

const describe = (error: t.ValidationError): string => {
  if (error.message !== undefined) return error.message;
  if (error.value === undefined) return "is required";
  const type = error.context[error.context.length - 1].type as Tagged;
  if (type._tag === "ArrayType") return "must be a list";
  if (type._tag === "DictionaryType") return "must be an object of string values";
  if (objectProps(type as unknown as t.Mixed) !== undefined) return "must be an object";
  return `must be ${type.name}`;
};

const blockedByUnknown = (error: t.ValidationError): boolean => error.value === UNKNOWN || error.context.some((entry) => entry.actual === UNKNOWN);

export const issuesOf = (errors: t.Errors, prefix = ""): Issue[] => {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const error of errors) {
    if (blockedByUnknown(error)) continue;
    const inner = pathOf(error.context);
    const path = prefix === "" ? inner : inner === "" ? prefix : inner.startsWith("[") ? `${prefix}${inner}` : `${prefix}.${inner}`;
    const issue = { path, message: describe(error) };
    const id = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      issues.push(issue);
    }
  }
  return issues;
};

export const formatIssues = (issues: readonly Issue[]): string => issues.map((i) => `${i.path === "" ? "(value)" : i.path}: ${i.message}`).join("; ");
