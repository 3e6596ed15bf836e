import { Client, type Pool } from "pg";
import type { RemoteTransport } from "../common/bus";

const CHANNEL = "kindred_bus";

/** Bus transport over PostgreSQL LISTEN/NOTIFY: a cluster needs nothing but the database. */
export class PgNotifyTransport implements RemoteTransport {
  private handler: (message: string) => void = () => undefined;
  private closed = false;
  private client: Client | undefined;

  private constructor(
    private readonly databaseUrl: string,
    private readonly pool: Pool,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async connect(databaseUrl: string, pool: Pool, onError: (error: unknown) => void): Promise<PgNotifyTransport> {
    const transport = new PgNotifyTransport(databaseUrl, pool, onError);
    await transport.listen();
    return transport;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on("notification", (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.handler(msg.payload);
    });
    client.on("error", (error) => {
      this.onError(error);
      this.reconnectSoon();
    });
    client.on("end", () => this.reconnectSoon());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private reconnecting = false;
  private reconnectSoon(): void {
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    this.client = undefined;
    const attempt = () => {
      if (this.closed) return;
      this.listen()
        .then(() => (this.reconnecting = false))
        .catch(() => setTimeout(attempt, 1000).unref());
    };
    setTimeout(attempt, 200).unref();
  }

  async send(message: string): Promise<void> {
    await this.pool.query("SELECT pg_notify($1, $2)", [CHANNEL, message]);
  }

  onMessage(handler: (message: string) => void): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
    }
  }
}
