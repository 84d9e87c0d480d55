/**
 * The pages' spelling quirks, decided once, in this one table: the release page spells
 * `conifg_id` and `hostname` where the job page says `config_id` and `hostnames`. On the
 * wire each endpoint gets its own page's spelling; users write one camelCase name for
 * both (`configId`, `hostnames`); answers are read in either spelling. casing.ts derives
 * the renaming (at run time and in the types) from it, and scripts/gen-types.js reads it
 * with `camelKey`. No imports: the generator evaluates this file on its own.
 */
export const RELEASE_PAGE_SPELLINGS = { conifg_id: "config_id", hostname: "hostnames" } as const;

const spellings: Readonly<Record<string, string>> = RELEASE_PAGE_SPELLINGS;

/** The camelCase name of a wire key. Own keys only: a user's build parameter may be called `constructor` or `toString`. */
export const camelKey = (wireKey: string): string =>
  (Object.hasOwn(spellings, wireKey) ? spellings[wireKey] : wireKey).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
