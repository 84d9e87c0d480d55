// `npm run test:unit`'s second step: the in-process suites whose assertions bound wall time
// (test/timing/), run alone (`--runInBand`), so that the parallel workers of the first step
// cannot slow them past a bound. `npm test` runs every folder in band.
const unit = require("./jest.unit.config.js");

module.exports = { ...unit, roots: ["<rootDir>/test/timing"] };
