/** Jest: swc transform with decorator metadata, real PostgreSQL from the global setup. */
const swc = [
  "@swc/jest",
  {
    jsc: {
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      target: "es2022",
    },
    module: { type: "commonjs" },
  },
];

module.exports = {
  transform: { "^.+\\.ts$": swc },
  testEnvironment: "<rootDir>/test/support/node-environment.js",
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  roots: ["<rootDir>/src", "<rootDir>/test"],
  testMatch: ["**/*.spec.ts", "<rootDir>/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/dist-[a-z]*/", "<rootDir>/test/bench/", "<rootDir>/test/soak/"],
  testTimeout: 60_000,
  maxWorkers: 2,
  // Suites leak module graphs inside a worker (~20–50 MB each); a worker past this heap is recycled after its suite,
  // so late suites do not run against a 1 GB heap (the MovieLens import slowed 6 s → 60 s+ that way).
  workerIdleMemoryLimit: "512MB",
  setupFiles: ["reflect-metadata"],
};
