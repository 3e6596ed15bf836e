import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Validated runtime configuration; the only place that reads `process.env`. */
export interface KindredConfig {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPostgresDir: string;
  logLevel: string;
  introspection: boolean;
  limits: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxOperations: number;
    maxBodyBytes: number;
    rateLimitPerSecond: number;
    rateLimitBurst: number;
    maxEventBatch: number;
    eventMaxFutureSkewSeconds: number;
    eventMaxAgeDays: number;
  };
  secret: string;
  encryptionKeys: string[];
  runWorker: boolean;
  dbPoolSize: number;
  /** Public base URL of tracking links and previews (rendering). */
  publicUrl: string | undefined;
  /** Largest catalog EASE may be trained on (its B matrix is items × items floats). */
  easeMaxItems: number;
  /** Cron of the prediction refresh (batch scores, drift check, retrain-if-better); empty = off. */
  predictionsRefreshCron: string;
  /** Cron of the table maintenance job (vacuum/analyze when the server's autovacuum is off); empty = off. */
  maintenanceCron: string;
}

/** One variable: its name, default and a parser that throws a readable message. */
interface VariableSpec<T> {
  name: string;
  description: string;
  default: string | undefined;
  parse: (raw: string) => T;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

const int = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
};
const cronOrEmpty = (raw: string) => {
  if (raw.trim() && raw.trim().split(/\s+/).length < 5) throw new Error(`must be a cron expression (5 fields, e.g. "0 4 * * *") or empty, got "${raw}"`);
  return raw.trim();
};
const bool = (raw: string) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`must be true or false, got "${raw}"`);
};
const oneOf = <T extends string>(...allowed: T[]) => (raw: string) => {
  if (!allowed.includes(raw as T)) throw new Error(`must be one of ${allowed.join(", ")}, got "${raw}"`);
  return raw as T;
};
const str = (raw: string) => raw;
const postgresUrl = (raw: string) => {
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error("must be a postgres:// or postgresql:// URL");
  return raw;
};

/** Every variable Kindred reads, with defaults; README's configuration table mirrors this list. */
export const CONFIG_VARIABLES = {
  env: { name: "NODE_ENV", description: "development, production or test", default: "development", parse: oneOf("development", "production", "test") },
  host: { name: "HOST", description: "interface to listen on", default: "0.0.0.0", parse: str },
  port: { name: "PORT", description: "HTTP and WebSocket port", default: "4000", parse: int(0, 65535) },
  databaseUrl: { name: "DATABASE_URL", description: "PostgreSQL URL; when unset an embedded PostgreSQL is started", default: undefined, parse: postgresUrl },
  dataDir: { name: "KINDRED_DATA_DIR", description: "local state: embedded PostgreSQL data, generated dev secret", default: "./.data", parse: str },
  logLevel: { name: "LOG_LEVEL", description: "pino level: trace, debug, info, warn, error, fatal, silent", default: "info", parse: oneOf("trace", "debug", "info", "warn", "error", "fatal", "silent") },
  introspection: { name: "KINDRED_INTROSPECTION", description: "GraphQL introspection and landing page (default: on except in production)", default: undefined, parse: bool },
  maxDepth: { name: "KINDRED_MAX_DEPTH", description: "maximum selection depth of a query", default: "12", parse: int(1, 100) },
  maxCost: { name: "KINDRED_MAX_COST", description: "maximum estimated query cost (list fields multiply by first/n)", default: "20000", parse: int(1, 10_000_000) },
  maxAliases: { name: "KINDRED_MAX_ALIASES", description: "maximum aliases in one document", default: "30", parse: int(0, 10_000) },
  maxOperations: { name: "KINDRED_MAX_OPERATIONS", description: "maximum operations in one document", default: "5", parse: int(1, 1000) },
  maxBodyBytes: { name: "KINDRED_MAX_BODY_BYTES", description: "maximum HTTP request body size in bytes", default: String(8 * 1024 * 1024), parse: int(1024, 512 * 1024 * 1024) },
  rateLimitPerSecond: { name: "KINDRED_RATE_LIMIT_PER_SECOND", description: "sustained requests per second per API key (0 disables)", default: "5000", parse: int(0, 10_000_000) },
  rateLimitBurst: { name: "KINDRED_RATE_LIMIT_BURST", description: "burst size of the per-key token bucket", default: "10000", parse: int(1, 100_000_000) },
  maxEventBatch: { name: "KINDRED_MAX_EVENT_BATCH", description: "maximum events per trackEvents call", default: "1000", parse: int(1, 100_000) },
  eventMaxFutureSkewSeconds: { name: "KINDRED_EVENT_MAX_FUTURE_SKEW_SECONDS", description: "events dated further in the future are rejected (clock skew allowance)", default: "300", parse: int(0, 86_400 * 30) },
  eventMaxAgeDays: { name: "KINDRED_EVENT_MAX_AGE_DAYS", description: "API events older than this are rejected (imports accept any age)", default: "730", parse: int(1, 36_500) },
  secret: { name: "KINDRED_SECRET", description: "server secret for signing (tracking tokens, blind indexes); generated under KINDRED_DATA_DIR outside production", default: undefined, parse: (raw: string) => { if (raw.length < 32) throw new Error("must be at least 32 characters"); return raw; } },
  encryptionKeys: { name: "KINDRED_ENCRYPTION_KEYS", description: "comma-separated base64 32-byte keys for personal data, newest first; generated under KINDRED_DATA_DIR outside production", default: undefined, parse: str },
  runWorker: { name: "KINDRED_RUN_WORKER", description: "run background jobs inside `kindred serve`", default: "true", parse: bool },
  dbPoolSize: { name: "KINDRED_DB_POOL_SIZE", description: "PostgreSQL connection pool size", default: "10", parse: int(1, 500) },
  publicUrl: { name: "KINDRED_PUBLIC_URL", description: "public base URL of tracking links in rendered emails (default http://localhost:$PORT)", default: undefined, parse: (raw: string) => { if (!/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(raw)) throw new Error("must be an absolute http(s) URL without query"); return raw.replace(/\/+$/, ""); } },
  predictionsRefreshCron: { name: "KINDRED_PREDICTIONS_REFRESH_CRON", description: "cron of the scheduled prediction refresh (scores to computed traits, drift check, retrain activated only if at least as good); empty = off", default: "", parse: cronOrEmpty },
  maintenanceCron: { name: "KINDRED_MAINTENANCE_CRON", description: "cron of table maintenance: VACUUM/ANALYZE of bloated tables, only when the PostgreSQL server runs with autovacuum off; empty = off", default: "* * * * *", parse: cronOrEmpty },
  easeMaxItems: { name: "KINDRED_EASE_MAX_ITEMS", description: "largest catalog (items) EASE may be trained on; B is items × items float32 (10,000 items = 400 MB)", default: "10000", parse: int(10, 50_000) },
} satisfies Record<string, VariableSpec<unknown>>;

type Env = Record<string, string | undefined>;

function readVariable<T>(env: Env, spec: VariableSpec<T>, problems: string[]): T | undefined {
  const raw = env[spec.name] === "" ? undefined : env[spec.name];
  const value = raw ?? spec.default;
  if (value === undefined) return undefined;
  try {
    return spec.parse(value);
  } catch (error) {
    problems.push(`${spec.name} ${(error as Error).message}`);
    return undefined;
  }
}

/** Reads a generated local secret, creating it on first use (development only). */
function localSecret(dataDir: string, file: string, make: () => string): string {
  const path = resolve(dataDir, file);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dirname(path), { recursive: true });
  const value = make();
  writeFileSync(path, value, { mode: 0o600 });
  return value;
}

/** Parses and validates configuration, reporting every bad variable at once. */
export function loadConfig(env: Env = process.env): KindredConfig {
  const problems: string[] = [];
  const v = CONFIG_VARIABLES;
  const read = <T>(spec: VariableSpec<T>) => readVariable(env, spec, problems);
  const kind = read(v.env) ?? "development";
  const dataDir = resolve(read(v.dataDir) ?? "./.data");
  let secret = read(v.secret);
  let keys = read(v.encryptionKeys)?.split(",").map((k) => k.trim()).filter(Boolean);
  if (keys) {
    keys.forEach((key, i) => {
      if (Buffer.from(key, "base64").length !== 32) problems.push(`KINDRED_ENCRYPTION_KEYS entry ${i + 1} must be 32 bytes, base64-encoded`);
    });
  }
  if (kind === "production") {
    if (!secret) problems.push("KINDRED_SECRET is required in production");
    if (!keys?.length) problems.push("KINDRED_ENCRYPTION_KEYS is required in production");
  }
  if (problems.length) throw new ConfigError(problems);
  secret ??= localSecret(dataDir, "secret", () => randomBytes(32).toString("hex"));
  keys ??= [localSecret(dataDir, "encryption-key", () => randomBytes(32).toString("base64"))];
  const limits = {
    maxDepth: read(v.maxDepth)!,
    maxCost: read(v.maxCost)!,
    maxAliases: read(v.maxAliases)!,
    maxOperations: read(v.maxOperations)!,
    maxBodyBytes: read(v.maxBodyBytes)!,
    rateLimitPerSecond: read(v.rateLimitPerSecond)!,
    rateLimitBurst: read(v.rateLimitBurst)!,
    maxEventBatch: read(v.maxEventBatch)!,
    eventMaxFutureSkewSeconds: read(v.eventMaxFutureSkewSeconds)!,
    eventMaxAgeDays: read(v.eventMaxAgeDays)!,
  };
  const config: KindredConfig = {
    env: kind,
    host: read(v.host)!,
    port: read(v.port)!,
    databaseUrl: read(v.databaseUrl),
    dataDir,
    embeddedPostgresDir: resolve(dataDir, "postgres"),
    logLevel: read(v.logLevel)!,
    introspection: read(v.introspection) ?? kind !== "production",
    limits,
    secret,
    encryptionKeys: keys,
    runWorker: read(v.runWorker)!,
    dbPoolSize: read(v.dbPoolSize)!,
    publicUrl: read(v.publicUrl),
    easeMaxItems: read(v.easeMaxItems)!,
    predictionsRefreshCron: read(v.predictionsRefreshCron) ?? "",
    maintenanceCron: read(v.maintenanceCron) ?? "",
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
