/**
 * Turns io-ts failures into issues a user can act on: the camelCase property path and
 * the rule that was broken. Failures caused by values that are still unknown during a
 * preview are dropped: they will be checked again when the values are known.
 */
import * as t from "io-ts";
import { UNKNOWN } from "../pulumiValues";
import { Issue } from "./casing";
import { camelKey } from "./spellings";
import { Tagged, objectProps, unwrapChecked } from "./fields";
import { escapeControls } from "../errors";

/** An intersection or union validates each member under the member's index; a Checked rule's key is not one. */
const isMemberEntry = (parent: Tagged, entry: t.ContextEntry): boolean => (parent.types ?? [])[Number(entry.key)] === entry.type;

const pathOf = (context: t.Context): string => {
  let path = "";
  for (let i = 1; i < context.length; i++) {
    const parent = unwrapChecked(context[i - 1].type as Tagged);
    const key = context[i].key;
    switch (parent._tag) {
      case "IntersectionType":
      case "UnionType":
        if (isMemberEntry(parent, context[i])) continue;
        path += path === "" ? camelKey(key) : `.${camelKey(key)}`;
        continue;
      case "ArrayType":
        path += `[${key}]`;
        continue;
      case "DictionaryType":
        path += path === "" ? escapeControls(key) : `.${escapeControls(key)}`;
        continue;
      case "OpenObject": {
        const known = objectProps(parent as unknown as t.Mixed) ?? {};
        const name = Object.hasOwn(known, key) ? camelKey(key) : escapeControls(key);
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

/** The unions an error went through: the union (its context path) and the member tried. */
const unionSteps = (error: t.ValidationError): Array<{ union: string; member: string }> => {
  const steps: Array<{ union: string; member: string }> = [];
  for (let i = 1; i < error.context.length; i++) {
    const parent = unwrapChecked(error.context[i - 1].type as Tagged);
    if (parent._tag === "UnionType" && isMemberEntry(parent, error.context[i]))
      steps.push({
        union: error.context
          .slice(0, i)
          .map((e) => e.key)
          .join("\u0000"),
        member: error.context[i].key,
      });
  }
  return steps;
};

/**
 * A union fails when every member fails. If one member failed only on values still
 * unknown, it may match once they are known, so the other members' failures are not
 * the user's problem yet either (e.g. gray_release.rules: a rule or a list of rules).
 */
const pendingUnions = (errors: t.Errors): Set<string> => {
  const onlyUnknown = new Map<string, { union: string; blocked: boolean }>();
  for (const error of errors)
    for (const { union, member } of unionSteps(error)) {
      const id = `${union}\u0001${member}`;
      onlyUnknown.set(id, { union, blocked: (onlyUnknown.get(id)?.blocked ?? true) && blockedByUnknown(error) });
    }
  return new Set([...onlyUnknown.values()].filter((m) => m.blocked).map((m) => m.union));
};

export const issuesOf = (errors: t.Errors, prefix = ""): Issue[] => {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  const pending = pendingUnions(errors);
  for (const error of errors) {
    if (blockedByUnknown(error) || unionSteps(error).some((s) => pending.has(s.union))) continue;
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
