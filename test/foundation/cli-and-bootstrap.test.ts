import { Client } from "pg";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/common/logger";
import { createRuntime } from "../../src/server/kernel-factory";
import { keysCommand, workspacesCommand } from "../../src/cli/keys.command";
import { parseArgs } from "../../src/cli/args";
import { WORKSPACES } from "../../src/workspaces/workspaces.module";
import { startTestApp, testDatabaseUrl, testEnv } from "../support/test-app";

function captureStdout(): { text: () => string; restore: () => void } {
  const original = process.stdout.write.bind(process.stdout);
  let buffer = "";
  process.stdout.write = ((chunk: string) => ((buffer += chunk), true)) as typeof process.stdout.write;
  return { text: () => buffer, restore: () => void (process.stdout.write = original) };
}

describe("kindred keys and workspaces commands", () => {
  const config = loadConfig(testEnv());
  const env = { config, logger: createLogger("silent") };

  it("should create a workspace and a key that then works over HTTP, and revoke it", async () => {
    const name = `cli-${Date.now()}`;
    let out = captureStdout();
    try {
      await workspacesCommand.run(parseArgs(["workspaces", "create", "--name", name]), env);
      await keysCommand.run(parseArgs(["keys", "create", "--role", "analyst", "--workspace", name, "--name", "dashboard"]), env);
    } finally {
      out.restore();
    }
    const key = /kdr_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/.exec(out.text())![0];
    const t = await startTestApp();
    try {
      const ok = await t.gql<{ viewer: { role: string; workspace: { name: string } } }>("{ viewer { role workspace { name } } }", {}, key);
      expect(ok.data!.viewer).toEqual({ role: "ANALYST", workspace: { name } });
      out = captureStdout();
      try {
        await keysCommand.run(parseArgs(["keys", "revoke", key.slice(0, 12)]), env);
      } finally {
        out.restore();
      }
      expect(out.text()).toMatch(/revoked kdr_/);
      // The revocation reaches the running server through the bus (another process in production).
      await new Promise((r) => setTimeout(r, 300));
      expect((await t.gql("{ viewer { role } }", {}, key)).errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    } finally {
      await t.stop();
    }
  });

  it("should explain a bad role or unknown workspace", async () => {
    await expect(keysCommand.run(parseArgs(["keys", "create", "--role", "owner", "--workspace", "x"]), env)).rejects.toThrow(/unknown role "owner"; allowed: admin, editor/);
    await expect(keysCommand.run(parseArgs(["keys", "create", "--role", "admin", "--workspace", "no-such-workspace"]), env)).rejects.toThrow(/kindred workspaces create/);
  });
});

describe("first start on an empty database", () => {
  it("should create the default workspace and one admin key exactly once", async () => {
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    const name = `kindred_boot_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${name}`;
    try {
      const runtime = await createRuntime(loadConfig(testEnv({ DATABASE_URL: url.toString() })), createLogger("silent"), { work: false, startJobs: false });
      try {
        const workspaces = runtime.registry.get(WORKSPACES);
        const [first, second] = await Promise.all([workspaces.bootstrap(), workspaces.bootstrap()]);
        const created = [first, second].filter(Boolean);
        expect(created).toHaveLength(1);
        expect(created[0]!.workspace.name).toBe("default");
        expect(created[0]!.secret).toMatch(/^kdr_/);
        expect(await workspaces.bootstrap()).toBeNull();
        const [{ count }] = await runtime.kernel.dataSource.query("SELECT count(*)::int AS count FROM api_keys");
        expect(count).toBe(1);
      } finally {
        await runtime.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
