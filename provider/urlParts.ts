/**
 * The values that form a request's URL, and the rules that keep a request (and the
 * credential it carries) at ServiceStage. A region becomes part of a host name
 * (`https://servicestage.{region}.myhuaweicloud.com`), ids become path segments, and
 * the endpoint is where every token goes: a value from a pull request, a stack config or
 * another stack's output must never move the host, add a port or a path, climb out of its
 * segment, or send a token in clear text. Every source is checked by these rules before
 * any request (check, CheckConfig, the settings, `pulumi import`), and the client checks
 * each path segment once more before it sends anything.
 */
import { CONTROL_CHARACTER } from "./errors";

/**
 * One DNS label: lowercase letters, digits and hyphens, neither first nor last a hyphen.
 * Every Huawei region name fits (cn-north-4, ap-southeast-1, sa-brazil-1), and a dot, a
 * colon, a slash or a `#` cannot.
 */
const REGION = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const REGION_RULE = "must be one DNS label: lowercase letters, digits and hyphens (e.g. cn-north-4), so that it cannot change the endpoint's host";

/**
 * Huawei's ids are UUIDs (components, applications, release tasks) and 32 hex digits
 * (projects); older objects and other tools use names such as `app-demo`. The rule
 * admits all of those: letters, digits, `-`, `_` and `.`, starting with a letter or a
 * digit (so never `.` or `..`), at most 128 characters. Never a separator (`/`, `?`,
 * `#`, `%`), a space or a control character.
 */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const ID_RULE =
  "must be a ServiceStage id: letters, digits, '-', '_' and '.', starting with a letter or a digit, at most 128 characters (never '.', '..', a space, '/', '?', '#' or '%')";

export const isRegion = (value: string): boolean => REGION.test(value);
export const isId = (value: string): boolean => ID.test(value);

/** `{region}` in an endpoint stands for the region, so that one endpoint setting serves several regions. */
export const REGION_PLACEHOLDER = "{region}";

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);
/** 127.0.0.0/8, ::1, localhost and `*.localhost` (loopback by RFC 6761; the client resolves those names to 127.0.0.1 itself). */
export const isLoopback = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || hostname.endsWith(".localhost") || /^127(?:\.\d{1,3}){3}$/.test(hostname);

export const ENDPOINT_RULE =
  "must be an https:// URL (http:// only to a loopback address such as the emulator's 127.0.0.1), with no user, query, fragment, space or control character, and {region} only as a whole label of the host";

/**
 * Why an endpoint setting is refused, or undefined when it is sound. `{region}` is judged
 * where it stands: replaced by a label no host holds, that label must be one whole label
 * of the host name, and nowhere else.
 */
export const endpointProblem = (endpoint: string): string | undefined => {
  const marker = "region0placeholder0label";
  const placeholders = endpoint.split(REGION_PLACEHOLDER).length - 1;
  // WHATWG URLs drop tabs and line breaks silently: refused here, they never reach a message or a request.
  if (/\s/.test(endpoint) || CONTROL_CHARACTER.test(endpoint)) return "holds a space or a control character";
  let url: URL;
  try {
    url = new URL(endpoint.split(REGION_PLACEHOLDER).join(marker));
  } catch {
    return `is not a URL`;
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname)))
    return url.protocol === "http:" ? "uses http:// to a host that is not a loopback address: a token would travel in clear text" : `uses ${url.protocol}`;
  if (url.username !== "" || url.password !== "") return "holds a user or password";
  if (url.search !== "" || url.hash !== "" || endpoint.includes("?") || endpoint.includes("#")) return "holds a query or a fragment";
  if (placeholders > 0) {
    const labels = url.hostname.split(".");
    const inHost = labels.filter((l) => l === marker).length;
    if (inHost !== placeholders || labels.some((l) => l !== marker && l.includes(marker)))
      return `holds ${REGION_PLACEHOLDER} somewhere else than as a whole label of the host`;
  }
  return undefined;
};
