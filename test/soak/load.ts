/** One request of the soak mix: ingestion, profile reads and identify, like a live shop. */
export type Op = (seq: number) => { query: string; variables: Record<string, unknown>; key: "ingest" | "analyst" };

const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected } }`;
const READ = `query($v: String!) { profileByIdentifier(type: "user_id", value: $v) { id traits computed } }`;
const IDENTIFY = `mutation($i: JSONObject!, $t: JSONObject) { identify(input: { identifiers: $i, traits: $t }) { profile { id } } }`;
const USERS = 2000;

export const mix: Op = (seq) => {
  const user = `soak-user-${(seq * 7919) % USERS}`;
  const slot = seq % 10;
  if (slot < 7) {
    const events = Array.from({ length: 5 }, (_, i) => ({ messageId: `soak-${seq}-${i}`, type: i === 4 ? "add_to_cart" : "page_view", userId: user, properties: i === 4 ? { itemId: `item-${seq % 300}`, quantity: 1, price: 12.5 } : { url: `https://shop.test/p/${seq % 300}` } }));
    return { query: TRACK, variables: { events }, key: "ingest" };
  }
  if (slot < 9) return { query: READ, variables: { v: user }, key: "analyst" };
  return { query: IDENTIFY, variables: { i: { user_id: user }, t: { plan: seq % 2 ? "pro" : "free", visits: seq } }, key: "ingest" };
};

/** Sends one op; returns its latency in ms, or throws with what went wrong. */
export async function send(url: string, keys: Record<string, string>, op: ReturnType<Op>): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${keys[op.key]}` },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[]; data?: { trackEvents?: { rejected: number } } };
  if (!res.ok || body.errors) throw new Error(`HTTP ${res.status} ${body.errors?.map((e) => e.extensions?.code).join(",") ?? ""}`);
  if (body.data?.trackEvents && body.data.trackEvents.rejected > 0) throw new Error("events rejected");
  return performance.now() - started;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
