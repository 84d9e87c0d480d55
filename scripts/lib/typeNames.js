/**
 * How both generators name the object types, so that a table has one name in every
 * language: the TypeScript interfaces (gen-types.js) and the schema's object types
 * (gen-schema.js, and through it Go and Python). A type is named after the property it
 * sits under (singular for list items; a generic property after its owner too:
 * storages[].parameters -> StorageParameters), or by TYPE_NAMES where the property says
 * little (livenessProbe -> Probe); a name two different shapes would take gets the
 * resource's type prefix on both (JobAffinity, ReleasePlanAffinity).
 * test/unit/typeNames.test.ts compares the names across the three languages.
 */
const TYPE_NAMES = Object.freeze({
  livenessProbe: "Probe",
  readinessProbe: "Probe",
  startupProbe: "Probe",
  postStart: "Lifecycle",
  preStop: "Lifecycle",
  antiAffinity: "Affinity",
  appHome: "VmappDirectory",
  logHome: "VmappDirectory",
  rules: "GrayRule",
  components: "ReleasePlanComponent",
});
/** Property names too generic to name a type alone: the owner's name goes first. */
const GENERIC = new Set(["parameters", "rules", "options", "configs"]);

const pascal = (key) => key.replace(/^./, (c) => c.toUpperCase());
const singular = (key) => (/(alias|access)es$/i.test(key) ? key.slice(0, -2) : /[^s]s$/.test(key) ? key.slice(0, -1) : key);
/** The base name of the type under `key` (camelCase), a list item when `item`, held by `parent`. */
const baseName = (key, item, parent) =>
  TYPE_NAMES[key] ?? `${GENERIC.has(key) && parent !== undefined ? pascal(singular(parent)) : ""}${pascal(item ? singular(key) : key)}`;

module.exports = { TYPE_NAMES, baseName, pascal };
