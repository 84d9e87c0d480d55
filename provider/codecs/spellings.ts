/**
 * The pages' spelling quirks, decided once, in this one table: the release page spells
 * `conifg_id` and `hostname` where the job page says `config_id` and `hostnames`. On the
 * wire each endpoint gets its own page's spelling; users write one camelCase name for
 * both (`configId`, `hostnames`); answers are read in either spelling. casing.ts derives
 * the renaming (at run time and in the types) from it, and scripts/gen-types.js reads it.
 * No imports: the generator evaluates this file on its own.
 */
export const RELEASE_PAGE_SPELLINGS = { conifg_id: "config_id", hostname: "hostnames" } as const;
