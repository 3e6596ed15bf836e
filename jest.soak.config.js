/** `npm run test:soak`: the long soak only (never part of `npm test`); SOAK_SECONDS sets its length. */
const base = require("./jest.config.js");

module.exports = {
  ...base,
  roots: ["<rootDir>/test/soak"],
  testMatch: ["<rootDir>/test/soak/**/*.soak.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  testTimeout: 60 * 60 * 1000,
  maxWorkers: 1,
};
