import type { Pool, PoolClient } from "pg";

/**
 * Keeps a connection error from crashing the process when it lands between the pool handing a
 * client out and TypeORM listening on it. pg emits `error` synchronously while it parses what the
 * server sent, and TypeORM attaches its listener one promise tick after the pool's callback: when
 * PostgreSQL shuts down just as a new connection becomes ready, "ready" and "terminating
 * connection" arrive in one read and the error meets no listener (seen under load in the
 * PostgreSQL restart test). Every client gets a listener the moment it is first handed out; the
 * client is marked broken either way, its query fails, and the pool drops it on release.
 */
export function guardClientErrors(pool: Pool, onError: (error: Error) => void): void {
  const guarded = new WeakSet<PoolClient>();
  pool.on("acquire", (client) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on("error", onError);
  });
}
