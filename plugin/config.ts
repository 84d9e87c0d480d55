/**
 * The provider's configuration, as the plugin receives it: stack config `servicestage:<key>`
 * (Configure's variables) or an explicit provider's arguments (CheckConfig, Configure),
 * reviewed by the rules of provider/settings.ts and handed to provider/providerState.ts.
 */
import { quote } from "../provider/errors";
import {
  CONFIG_KEYS,
  NUMERIC_SETTINGS,
  RawSettings,
  SECRET_SETTINGS,
  UNKNOWN_AT_PREVIEW,
  howToSet,
  readStackConfig,
  settingProblems,
} from "../provider/settings";
import { UNKNOWN } from "../provider/pulumiValues";
import type { PropertyBag } from "./values";

type ConfigKey = keyof typeof CONFIG_KEYS;
export const CONFIG_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];
/** Keys the engine itself may put among a provider's inputs (pkg/resource/deploy/providers/registry.go). */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "__internal"]);

/** A key as it arrives: `region` (a provider's inputs), `servicestage:region` (stack config) or `servicestage:config:region` (Configure's legacy variables). */
const configName = (key: string): string => key.replace(/^servicestage:(config:)?/, "");
const isConfigKey = (name: string): name is ConfigKey => (CONFIG_NAMES as string[]).includes(name);
/** A credential, however its key arrives: kept secret in the answers. */
export const isSecretSetting = (key: string): boolean => (SECRET_SETTINGS as readonly string[]).includes(configName(key));

interface ConfigReview {
  failures: Array<{ property: string; reason: string }>;
  /** Keys nobody reads, e.g. a misspelling: a warning, not a failure (the engine may add keys of its own). */
  ignored: string[];
}

/**
 * Checks the values given, by the rules of provider/settings.ts (`settingProblems`): unknown
 * values wait for the update (an unknown half of an AK/SK pair counts as given), and what is
 * not given may still come from the environment.
 */
export const reviewConfig = (bag: PropertyBag): ConfigReview => {
  const failures: ConfigReview["failures"] = [];
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(bag)) {
    const name = configName(key);
    if (ENGINE_KEYS.has(name)) continue;
    if (!isConfigKey(name)) ignored.push(key);
    else if (value !== undefined && value !== null && typeof value !== "string" && !(Object.hasOwn(NUMERIC_SETTINGS, name) && typeof value === "number"))
      failures.push({ property: key, reason: `${name} must be a string, got ${quote(JSON.stringify(value) ?? String(value))}` });
  }
  const given = settingsFrom(bag);
  const keyIn = (name: ConfigKey) => Object.keys(bag).find((k) => configName(k) === name) ?? name;
  // A value still unknown (another stack's output during a preview) is judged at the up, where settings.ts allows it.
  for (const key of CONFIG_NAMES)
    if (given[key] === UNKNOWN) {
      delete given[key];
      if (!UNKNOWN_AT_PREVIEW.includes(key)) failures.push({ property: keyIn(key), reason: `${key} must be known at the preview: ${howToSet(key)}` });
    }
  for (const { key, rule } of settingProblems(given)) failures.push({ property: keyIn(key), reason: `${rule}: ${howToSet(key)}` });
  return { failures, ignored };
};

/** The settings provider/providerState.ts resolves clients from, as `configure` reads them from stack config. */
export const settingsFrom = (bag: PropertyBag): RawSettings => {
  const byName = new Map(Object.entries(bag).map(([k, v]) => [configName(k), v]));
  return readStackConfig((key) => {
    const value = byName.get(configName(key));
    return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
  });
};
