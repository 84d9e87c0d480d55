/**
 * provider/settings.ts's table of settings as the tests read it (settings.test.ts,
 * pluginConfig.test.ts): every key, and each row with whichever optional facts it has.
 */
import { SETTINGS, SettingKey } from "../../provider/settings";

export const KEYS = Object.keys(SETTINGS) as SettingKey[];
/** A setting as the table holds it, whichever optional facts it has. */
export const row = (
  key: SettingKey,
): { env: string; description: string; default?: number | string; number?: { kind: string; min: number; max: number }; secret?: true; credential?: true } =>
  SETTINGS[key];
