// Types of scripts/gen-sdks.js for the tests that require it.

/**
 * How the folder `actual` differs from `expected` (the generator's output), one line per
 * file: `<file>: differs`, `<file>: missing` or `<file>: not generated (remove it)`, sorted.
 * README.md at the top of `actual` (written by hand) and Python's caches are not compared.
 */
export declare function diffTrees(expected: string, actual: string): string[];
