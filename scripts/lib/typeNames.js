/**
 * Names of the shared tables whose property name says little, for both generators: the
 * TypeScript interfaces (gen-types.js) and the schema's object types (gen-schema.js) are
 * named alike (livenessProbe -> Probe).
 */
const TYPE_NAMES = Object.freeze({
  livenessProbe: "Probe",
  readinessProbe: "Probe",
  startupProbe: "Probe",
  postStart: "Lifecycle",
  preStop: "Lifecycle",
  antiAffinity: "Affinity",
});

module.exports = { TYPE_NAMES };
