// `npm run test:unit`: the in-process suites only (no Pulumi CLI, host or npm pack),
// transpiled without type checking for a fast loop; `npm test` runs everything, type-checked.
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    "/node_modules/",
    "/(engine|pack|workflow|automation|reliability|fuzz|host|contract|provision|rootProject|interrupted|plugin|yaml|go|install|sdks)\\.test\\.ts$",
  ],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json", isolatedModules: true, diagnostics: false }] },
};
