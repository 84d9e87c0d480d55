/**
 * When a job component's last job may be taken as the one Pulumi means to start, instead
 * of starting another. A job component's job is a batch run (a report, a migration), so
 * running it twice by accident is an incident, and two moments ask:
 *
 * - after a redeploy whose answer was lost (a timeout, a reset, a 5xx): did our PUT start
 *   the component's newest job? (`lostAnswerVerdict`, the client's `beforeAmbiguousRetry`)
 * - before a redeploy that nothing recorded: did an update killed before its job ended
 *   already start a job with this spec? (`jobCarryingSpec`; a timed-out, cancelled or
 *   failed update records its job instead, and the next update settles that one:
 *   jobComponent.ts)
 *
 * Both take a job only on positive evidence, and both read it the same way
 * (`showsSpec`): the component, read back, carries the spec on every field the GET
 * returns (at least `version`), the lists ServiceStage keeps as sets compared as sets
 * (unorderedLists.ts). A field the GET never returns (task_setting, http_password)
 * cannot be proven, so a change there always redeploys.
 */
import type { AmbiguityVerdict, Lookup } from "./client";
import type { ComponentResponse } from "./codecs/responses";
import type { RedeployJobComponentResponse } from "./codecs/redeployJobComponent";
import { isAbsent, isPlainObject } from "./codecs/primitives";
import { carries, sameValue } from "./compare";
import { listRule, pairItems } from "./unorderedLists";

/** A server clock may run behind ours: a job this much older than our request may still be ours. */
export const CLOCK_SKEW_MS = 5_000;

/** The shared evidence: the GET shows the version, and what the body sets on every field it returns. */
export const showsSpec = (live: ComponentResponse, sent: unknown): boolean => live.version !== undefined && carries(live, sent);

/**
 * Whether the GET returns every field that differs between two bodies, so that a live
 * component carrying `after` proves the change was deployed. A field removed, or one the
 * GET leaves out, cannot be told apart from one never deployed: not shown. With no
 * `before` (a first deploy), every field of `after` is a change. An item of a set list
 * is judged against its counterpart by identity (unorderedLists.ts); an item removed
 * from a set is shown, since `carries` refuses a live item nobody sent.
 */
export const showsChanges = (live: unknown, before: unknown, after: unknown, key?: string): boolean => {
  if (sameValue(before, after, key)) return true;
  if (isAbsent(after) || isAbsent(live)) return false;
  if (isPlainObject(after)) {
    if (!isPlainObject(live)) return false;
    const was = isPlainObject(before) ? before : {};
    return [...new Set([...Object.keys(was), ...Object.keys(after)])].every((k) => showsChanges(live[k], was[k], after[k], k));
  }
  if (Array.isArray(after)) {
    if (!Array.isArray(live)) return false;
    const was = Array.isArray(before) ? before : [];
    const rule = listRule(key);
    if (rule === undefined) return was.length <= after.length && after.every((item, i) => showsChanges(live[i], was[i], item));
    const inLive = pairItems(rule, after, live, sameValue, (a, l) => carries(l, a)).pairs;
    const inBefore = pairItems(rule, after, was, sameValue, sameValue).pairs;
    return after.every((item, i) => showsChanges(inLive[i][1], inBefore[i][1], item));
  }
  return true;
};

/**
 * Before a redeploy: the component's last job, when it carries the body about to be sent
 * (`sent`), with every change from the last deployed body (`before`) shown by the GET.
 * Such a job was started with this spec (by an update that ended before its job did, or
 * by hand): while it runs it is to be waited for, once it succeeded it is to be taken.
 */
export const jobCarryingSpec = (live: ComponentResponse, sent: unknown, before: unknown): string | undefined => {
  const lastJobId = live.status?.last_job_id;
  if (lastJobId === undefined || lastJobId === "") return undefined;
  return showsSpec(live, sent) && showsChanges(live, before, sent) ? lastJobId : undefined;
};

/**
 * After a redeploy's answer was lost: adopt the component's newest job only if it is
 * newer than the one known before the request, carries what was sent, and is not older
 * than the request; retry when no job was started; otherwise stop and say why.
 */
export const lostAnswerVerdict = (
  current: Lookup<ComponentResponse>,
  sent: unknown,
  knownJobId: string | undefined,
  requestStartedAt: number,
): AmbiguityVerdict<RedeployJobComponentResponse> => {
  if (!current.found) return { retry: true };
  const lastJobId = current.value.status?.last_job_id;
  // No job since the one we knew of: nothing was started, a retry is safe.
  if (lastJobId === undefined || lastJobId === "" || lastJobId === knownJobId) return { retry: true };
  const updated = current.value.status?.update_time;
  const predatesRequest = updated !== undefined && updated < requestStartedAt - CLOCK_SKEW_MS;
  // The component had no job before, and this one is older than our request.
  if (knownJobId === undefined && predatesRequest) return { retry: true };
  if (showsSpec(current.value, sent) && !predatesRequest) return { adopt: { job_id: lastJobId } };
  const why = predatesRequest ? "it is older than this request" : "the component does not show the spec this request sent";
  return {
    stop:
      `the component was changed outside Pulumi: its last job is ${lastJobId}, which this request did not start (${why}). ` +
      "Pulumi redeployed nothing and keeps what it deployed before; the next `pulumi up` will try again",
  };
};
