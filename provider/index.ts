/**
 * `pulumi-servicestage/provider`: A PERMANENT PUBLIC CONTRACT.
 *
 * Every stack's state stores each resource's serialized provider (sdk/shim.ts), whose
 * methods call `require("pulumi-servicestage/provider").configure(req)` and
 * `require("pulumi-servicestage/provider")[name].check|diff|create|read|update|delete(...)`
 * with `name` a resource's `providerExport` (resources/): `jobComponentProvider`,
 * `releasePlanProvider` or `componentActionProvider`. A stack made with any release runs its next preview, up, refresh
 * or destroy with that stored text against the release installed then. So this subpath,
 * these export names and the methods' signatures must stay, in this release and every
 * later one; test/host/contract.test.ts runs the stored text of each release
 * (test/fixtures/providers-<version>.json) against the current build. Add exports freely;
 * never rename or remove one. Test hooks do not belong here: import them from their modules.
 */
import { componentAction, jobComponent, releasePlan } from "./resources/index";

export { configure } from "./providerState";
export const jobComponentProvider = jobComponent.lifecycle;
export const releasePlanProvider = releasePlan.lifecycle;
export const componentActionProvider = componentAction.lifecycle;
/** The read functions, for TypeScript programs that call them in their own process (sdk/functions.ts). */
export { invoke } from "./functions/index";
