import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/** A graphql-ws client against a test server; `closed` resolves with the close code. */
export function wsClient(httpUrl: string, key?: string): { client: Client; closed: Promise<number> } {
  let onClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  return { client, closed };
}

/** Subscribes and collects payloads; `next(n)` waits for the n-th. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        received.push(value.data as T);
        for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  const next = (count: number, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      if (received.length >= count) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} messages, got ${received.length}`)), timeoutMs);
      waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { received, errors, next, dispose };
}
