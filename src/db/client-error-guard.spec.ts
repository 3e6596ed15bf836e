import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Pool, type PoolClient } from "pg";
import { guardClientErrors } from "./client-error-guard";

/** Protocol messages: a type byte, a length, a body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * A server that accepts the startup, says "ready" and, in the same write, terminates the
 * connection the way PostgreSQL does when it shuts down (FATAL 57P01).
 */
function readyThenTerminated(): Promise<Server> {
  const fields = (f: [string, string][]) => Buffer.concat([...f.map(([k, v]) => Buffer.from(`${k}${v}\0`, "latin1")), Buffer.from([0])]);
  const reply = Buffer.concat([
    message("R", Buffer.from([0, 0, 0, 0])),
    message("Z", Buffer.from("I", "latin1")),
    message("E", fields([["S", "FATAL"], ["V", "FATAL"], ["C", "57P01"], ["M", "terminating connection due to administrator command"]])),
  ]);
  const server = createServer((socket: Socket) => {
    socket.once("data", () => socket.end(reply));
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("guardClientErrors", () => {
  it("should catch a termination that arrives with the connection's first ready, before the caller can listen", async () => {
    const server = await readyThenTerminated();
    const pool = new Pool({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, user: "u", database: "d" });
    const seen: string[] = [];
    guardClientErrors(pool, (error) => seen.push((error as Error & { code?: string }).code ?? String(error)));
    try {
      // TypeORM's way: the client reaches the caller a promise tick after the pool's callback.
      const client = await new Promise<PoolClient>((ok, fail) => pool.connect((err, c) => (err ? fail(err) : ok(c!))));
      expect(seen).toEqual(["57P01"]);
      await expect(client.query("SELECT 1")).rejects.toThrow(/not queryable/);
      client.release(new Error("broken"));
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
      await new Promise((r) => server.close(r));
    }
  });
});
