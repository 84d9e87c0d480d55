// `npm run test:unit`: the in-process suites, the ones in test/unit/ (no Pulumi CLI, host,
// plugin process, Go build or npm pack), transpiled without type checking for a fast loop;
// `npm test` runs every folder, type-checked. A suite's folder says what it needs.
const base = require("./jest.config.js");

module.exports = {
  ...base,
  roots: ["<rootDir>/test/unit"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json", isolatedModules: true, diagnostics: false }] },
};
