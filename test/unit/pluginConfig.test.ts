/**
 * plugin/config.ts: the provider's configuration as the plugin receives it, reviewed for
 * CheckConfig by provider/settings.ts's table of settings (settings.test.ts checks the
 * table's other readers). Over gRPC, with the plugin as a process: test/host/plugin.test.ts.
 */
import { UNKNOWN } from "../../provider/pulumiValues";
import { NUMERIC_SETTINGS, SETTINGS, SettingKey, UNKNOWN_AT_PREVIEW, howToSet } from "../../provider/settings";
import { reviewConfig } from "../../plugin/config";
import { KEYS, row } from "../harness/settingsTable";

describe("CheckConfig's review, by the table of settings", () => {
  test("the plugin's CheckConfig: unknown values wait for the up exactly where the table allows it (iamEndpoint too), numbers by the table's range", () => {
    expect(UNKNOWN_AT_PREVIEW).toEqual(KEYS.filter((k) => (SETTINGS[k] as { unknownAtPreview?: boolean }).unknownAtPreview !== false));
    for (const key of KEYS) {
      const failures = reviewConfig({ [key]: UNKNOWN }).failures;
      expect(failures).toEqual(UNKNOWN_AT_PREVIEW.includes(key) ? [] : [{ property: key, reason: `${key} must be known at the preview: ${howToSet(key)}` }]);
    }
    // An unknown IAM endpoint is no URL yet: judged at the up, not refused as "not a URL".
    expect(reviewConfig({ iamEndpoint: UNKNOWN, "servicestage:region": UNKNOWN }).failures).toEqual([]);
    expect(reviewConfig({ iamEndpoint: "not a url" }).failures.map((f) => f.property)).toEqual(["iamEndpoint"]);
    for (const [key, kind] of Object.entries(NUMERIC_SETTINGS) as Array<[SettingKey, string]>) {
      const { min, max } = row(key).number as { min: number; max: number };
      expect(reviewConfig({ [key]: min }).failures).toEqual([]);
      expect(reviewConfig({ [key]: max }).failures).toEqual([]);
      expect(reviewConfig({ [key]: String(max) }).failures).toEqual([]);
      const [failure] = reviewConfig({ [key]: max + 1 }).failures;
      expect(failure.reason).toContain(`from ${min} to ${max}`);
      expect(failure.reason).toContain(howToSet(key));
      if (kind === "integer") expect(reviewConfig({ [key]: min + 0.5 }).failures).toHaveLength(1);
    }
    for (const key of KEYS.filter((k) => NUMERIC_SETTINGS[k] === undefined))
      expect(reviewConfig({ [key]: 1 }).failures).toContainEqual({ property: key, reason: `${key} must be a string, got "1"` });
  });
});
