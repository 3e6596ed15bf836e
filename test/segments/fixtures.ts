import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import type { TestApp } from "../support/test-app";

/** Inserts a profile row directly (customer-data ingestion is not needed to test rules). */
export async function insertProfile(ds: DataSource, workspaceId: string, traits: Record<string, unknown>, computed: Record<string, unknown> = {}): Promise<string> {
  const id = randomUUID();
  await ds.query(`INSERT INTO profiles (id, workspace_id, traits, computed) VALUES ($1, $2, $3, $4)`, [id, workspaceId, traits, computed]);
  return id;
}

/** Inserts many profiles in one statement; returns their ids in order. */
export async function insertProfiles(ds: DataSource, workspaceId: string, traits: Record<string, unknown>[]): Promise<string[]> {
  const ids = traits.map(() => randomUUID());
  await ds.query(`INSERT INTO profiles (id, workspace_id, traits) SELECT unnest($1::uuid[]), $2, unnest($3::jsonb[])`, [ids, workspaceId, traits.map((t) => JSON.stringify(t))]);
  return ids;
}

export async function insertEvent(
  ds: DataSource,
  workspaceId: string,
  profileId: string,
  type: string,
  occurredAt: Date,
  properties: Record<string, unknown> = {},
  itemIds: string[] = [],
): Promise<string> {
  const id = randomUUID();
  await ds.query(`INSERT INTO events (id, workspace_id, message_id, type, occurred_at, profile_id, properties, item_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    id,
    workspaceId,
    randomUUID(),
    type,
    occurredAt,
    profileId,
    properties,
    itemIds,
  ]);
  return id;
}

export async function insertItem(ds: DataSource, workspaceId: string, id: string, fields: { categoryPath: string[]; brand?: string; price?: number; tags?: string[] }): Promise<void> {
  await ds.query(`INSERT INTO items (workspace_id, id, title, category_path, category, brand, price, tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    workspaceId,
    id,
    id,
    fields.categoryPath,
    fields.categoryPath[fields.categoryPath.length - 1] ?? null,
    fields.brand ?? null,
    fields.price ?? null,
    fields.tags ?? [],
  ]);
}

export const hoursAgo = (h: number, from = new Date()) => new Date(from.getTime() - h * 3_600_000);

export async function createSegment(t: TestApp, key: string, name: string, condition: unknown): Promise<{ id: string; size: number; warnings: { code: string }[] }> {
  const res = await t.gql<{ createSegment: { segment: { id: string; size: number }; warnings: { code: string }[] } }>(
    `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id size } warnings { code message segmentId } } }`,
    { input: { name, condition } },
    key,
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return { ...res.data!.createSegment.segment, warnings: res.data!.createSegment.warnings };
}

/** Polls job(id) until it leaves QUEUED/RUNNING. */
export async function waitForJob(t: TestApp, key: string, jobId: string, timeoutMs = 30_000): Promise<{ status: string; error: string | null; result: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.gql<{ job: { status: string; error: string | null; result: Record<string, unknown> } }>(`query($id: ID!) { job(id: $id) { status error result } }`, { id: jobId }, key);
    const job = res.data?.job;
    if (job && !["QUEUED", "RUNNING"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish: ${JSON.stringify(res)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
