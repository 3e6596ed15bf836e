import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type KindredConfig } from "../../src/config/config";
import { createLogger } from "../../src/common/logger";
import { startApp, type KindredApp } from "../../src/server/app";
import { API_KEYS, WORKSPACES } from "../../src/workspaces/workspaces.module";
import { Role } from "../../src/workspaces/role";
import type { KindredModule } from "../../src/common/kernel";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> & { code?: string } }[];
  headers: Headers;
}

/** A workspace created for one test, with a key per role. */
export interface TestWorkspace {
  id: string;
  name: string;
  keys: Record<Role, string>;
}

/** A real Kindred server on a random port against the test run's database. */
export interface TestApp {
  app: KindredApp;
  url: string;
  baseUrl: string;
  config: KindredConfig;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  createWorkspace(prefix?: string): Promise<TestWorkspace>;
  stop(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env.KINDRED_TEST_DATABASE_URL;
  if (!url) throw new Error("KINDRED_TEST_DATABASE_URL is not set: run tests through jest (global setup)");
  return url;
}

/** Environment for a test server; overrides win. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    DATABASE_URL: testDatabaseUrl(),
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    KINDRED_DATA_DIR: mkdtempSync(join(tmpdir(), "kindred-test-")),
    KINDRED_SECRET: "test-secret-".padEnd(40, "x"),
    KINDRED_ENCRYPTION_KEYS: Buffer.alloc(32, 7).toString("base64"),
    KINDRED_RUN_WORKER: "false",
    KINDRED_DB_POOL_SIZE: "5",
    ...overrides,
  };
}

export async function startTestApp(overrides: Record<string, string> = {}, extraModules: KindredModule[] = []): Promise<TestApp> {
  const config = loadConfig(testEnv(overrides));
  const app = await startApp({ config, logger: createLogger(config.logLevel), bootstrap: false, extraModules });
  const baseUrl = `http://127.0.0.1:${app.port}`;
  const url = `${baseUrl}/graphql`;
  const gql = async <T,>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: GraphQLResponse["errors"] };
    return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
  };
  const createWorkspace = async (prefix = "ws"): Promise<TestWorkspace> => {
    const workspace = await app.runtime.registry.get(WORKSPACES).create(`${prefix}-${randomUUID().slice(0, 8)}`);
    const apiKeys = app.runtime.registry.get(API_KEYS);
    const keys = {} as Record<Role, string>;
    for (const role of Object.values(Role)) keys[role] = (await apiKeys.create(workspace.id, `${role} test key`, role)).secret;
    return { id: workspace.id, name: workspace.name, keys };
  };
  return { app, url, baseUrl, config, gql, createWorkspace, stop: app.stop };
}
