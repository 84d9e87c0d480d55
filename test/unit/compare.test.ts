/**
 * provider/compare.ts: values compared the way the wire means them, on values: a set
 * equals its items in any order, an ordered list does not; a GET carries what was sent
 * beside the server's own items; a refresh keeps the declared order. The same rules
 * through the lifecycles against the emulator: unorderedLists.test.ts.
 */
import { carries, projectOnto, sameValue } from "../../provider/compare";
import { envs } from "../harness/unorderedItems";

describe("the rules, on values", () => {
  test("a set equals the same items in any order; an ordered list (a command's arguments) does not", () => {
    expect(sameValue(envs, [...envs].reverse(), "envs")).toBe(true);
    expect(sameValue({ envs }, { envs: [...envs].reverse() })).toBe(true);
    expect(sameValue({ envs }, { envs: envs.slice(1) })).toBe(false);
    expect(sameValue({ envs }, { envs: [{ ...envs[0], value: "friday" }, envs[1], envs[2]] })).toBe(false);
    expect(sameValue({ command: { args: ["a", "b"] } }, { command: { args: ["b", "a"] } })).toBe(false);
  });

  test("a GET carries what was sent with the server's own items, in its own order; an item the console added is not carried", () => {
    const sent = { envs: envs.map((e) => ({ ...e })), timezone: "Asia/Shanghai" };
    const live = {
      envs: [{ name: "PAAS_APP_NAME", value: "x", inner: true }, { name: "TZ", value: "Asia/Shanghai" }, ...[...envs].reverse()],
      timezone: "Asia/Shanghai",
    };
    expect(carries(live, sent)).toBe(true);
    expect(carries({ ...live, envs: [...live.envs, { name: "DEBUG", value: "1" }] }, sent)).toBe(false);
    expect(carries({ ...live, envs: live.envs.slice(0, 3) }, sent)).toBe(false);
  });

  test("refresh keeps the declared order, takes a changed value by identity, and appends what the console added", () => {
    const live = [{ name: "TZ", value: "UTC" }, { name: "DEBUG", value: "1" }, { ...envs[1], value: "json" }, envs[0], envs[2]];
    expect(projectOnto(envs, live, "envs")).toEqual([envs[0], { ...envs[1], value: "json" }, envs[2], { name: "DEBUG", value: "1" }]);
    expect(projectOnto(envs, [envs[2], envs[0]], "envs")).toEqual([envs[0], envs[2]]);
  });
});
