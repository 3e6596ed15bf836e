import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./config";

const dataDir = () => mkdtempSync(join(tmpdir(), "kindred-config-"));

describe("loadConfig", () => {
  it("should apply documented defaults when nothing is set", () => {
    const config = loadConfig({ KINDRED_DATA_DIR: dataDir() });
    expect(config).toMatchObject({ env: "development", port: 4000, host: "0.0.0.0", databaseUrl: undefined, introspection: true, runWorker: true });
    expect(config.limits).toMatchObject({ maxDepth: 12, maxAliases: 30, maxEventBatch: 1000 });
    expect(config.embeddedPostgresDir).toMatch(/postgres$/);
  });

  it("should generate and then reuse a local secret outside production", () => {
    const dir = dataDir();
    const first = loadConfig({ KINDRED_DATA_DIR: dir });
    const second = loadConfig({ KINDRED_DATA_DIR: dir });
    expect(first.secret).toHaveLength(64);
    expect(second.secret).toBe(first.secret);
    expect(second.encryptionKeys).toEqual(first.encryptionKeys);
  });

  it("should report every bad variable at once, by name", () => {
    try {
      loadConfig({ PORT: "seventy", KINDRED_MAX_DEPTH: "0", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x", KINDRED_DATA_DIR: dataDir() });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/PORT must be an integer/);
      expect(problems).toMatch(/KINDRED_MAX_DEPTH must be an integer from 1/);
      expect(problems).toMatch(/LOG_LEVEL must be one of/);
      expect(problems).toMatch(/DATABASE_URL must be a postgres/);
    }
  });

  it("should require secrets in production and turn introspection off by default", () => {
    expect(() => loadConfig({ NODE_ENV: "production", KINDRED_DATA_DIR: dataDir() })).toThrow(/KINDRED_SECRET is required in production/);
    const config = loadConfig({ NODE_ENV: "production", KINDRED_SECRET: "s".repeat(40), KINDRED_ENCRYPTION_KEYS: Buffer.alloc(32, 1).toString("base64") });
    expect(config.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", KINDRED_INTROSPECTION: "true", KINDRED_SECRET: "s".repeat(40), KINDRED_ENCRYPTION_KEYS: Buffer.alloc(32, 1).toString("base64") }).introspection).toBe(true);
  });

  it("should reject encryption keys that are not 32 bytes", () => {
    expect(() => loadConfig({ KINDRED_ENCRYPTION_KEYS: "c2hvcnQ=", KINDRED_DATA_DIR: dataDir() })).toThrow(/must be 32 bytes/);
  });
});
