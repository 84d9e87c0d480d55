/**
 * The implementation the serialized provider shims `require` at call time
 * (`pulumi-servicestage/provider`). Nothing here is ever captured into `__provider`.
 */
export { configure, setStackSettings } from "./runtime";
export { jobComponentProvider } from "./jobComponent";
export { releasePlanProvider } from "./releasePlan";
export { UNKNOWN } from "./unknown";
