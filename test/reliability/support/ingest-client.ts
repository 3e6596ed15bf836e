const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events) { results { messageId status } } }`;

/** What a retrying client saw while sending its batches. */
export interface ClientStats {
  acknowledged: Set<string>;
  attempts: number;
  failures: number;
  statuses: Map<string, number>;
}

export function newStats(): ClientStats {
  return { acknowledged: new Set(), attempts: 0, failures: 0, statuses: new Map() };
}

/**
 * Sends one batch until the server acknowledges every event (ACCEPTED or DUPLICATE), retrying
 * the same messageIds after network errors, 5xx and GraphQL errors, as a well-behaved client does.
 */
export async function sendUntilAcknowledged(url: () => string, key: string, events: { messageId: string }[], stats: ClientStats, deadline: number): Promise<void> {
  for (;;) {
    if (Date.now() > deadline) throw new Error(`gave up on a batch after ${stats.attempts} attempts`);
    stats.attempts++;
    try {
      const res = await fetch(url(), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: TRACK, variables: { events } }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { data?: { trackEvents: { results: { messageId: string; status: string }[] } }; errors?: unknown[] };
      const results = body.data?.trackEvents.results;
      if (res.ok && results && !body.errors) {
        for (const r of results) stats.statuses.set(r.status, (stats.statuses.get(r.status) ?? 0) + 1);
        if (results.some((r) => r.status === "REJECTED")) throw new Error(`unexpected rejection: ${JSON.stringify(results)}`);
        for (const r of results) stats.acknowledged.add(r.messageId);
        return;
      }
    } catch (error) {
      if (String(error).includes("unexpected rejection")) throw error;
    }
    stats.failures++;
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
  }
}
