import type { TestApp } from "../support/test-app";

export const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected results { status profileId eventId reasons { path code } } } }`;
export type TrackResult = { trackEvents: { accepted: number; duplicates: number; rejected: number; results: { status: string; profileId: string | null; eventId: string | null; reasons: { path: string; code: string }[] }[] } };

/** Sends events and fails the test on GraphQL errors. */
export async function track(t: TestApp, key: string, events: unknown[]): Promise<TrackResult["trackEvents"]> {
  const res = await t.gql<TrackResult>(TRACK, { events }, key);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.trackEvents;
}

/** Waits for a job to finish and returns it. */
export async function waitForJob(t: TestApp, key: string, jobId: string, timeoutMs = 20_000): Promise<{ status: string; error: string | null; result: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.gql<{ job: { status: string; error: string | null; result: unknown } }>(`query($id: ID!) { job(id: $id) { status error result } }`, { id: jobId }, key);
    const job = res.data?.job;
    if (job && !["QUEUED", "RUNNING"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish: ${JSON.stringify(res)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
