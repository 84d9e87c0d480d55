/**
 * The program of the repository's own Pulumi project (Pulumi.yaml at the repository root):
 * both examples in one stack, a JobComponent (examples/job-component) and a ReleasePlan
 * (examples/release-plan), so that `pulumi preview` and `pulumi up` at the root show what
 * the package does. Their stack config (version, apiVersion, ...) is this project's.
 */
export { jobId, jobStatus, version } from "../job-component";
export { releasePlanId } from "../release-plan";
