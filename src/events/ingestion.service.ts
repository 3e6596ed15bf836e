import type { DataSource } from "typeorm";
import type { Clock } from "../common/clock";
import type { ProfileChange } from "../profiles/profile-hooks";
import type { ProfileChangePublisher } from "../profiles/profile-changes";
import { IdentityService, withRetry } from "../profiles/identity.service";
import type { ConsentService } from "../privacy/consent.service";
import { BUILT_IN_EVENT_TYPES, NON_BEHAVIORAL_TYPES } from "./event-schema";
import { eventsIngested, eventsRejected } from "./event.metrics";
import type { EventTypesService } from "./event-types.service";
import type { EventProblem } from "./rejected-event.entity";
import { GroupRunner } from "./group-runner";
import { storeEntries, type Entry } from "./store-events";
import { itemCategories } from "./trait-updater";
import { validateEvent, type ValidEvent } from "./validate-event";

/** Outcome of one event in a batch. */
export type EventStatus = "ACCEPTED" | "DUPLICATE" | "REJECTED";

/** The answer for one event: status, stored ids, every reason (rejected) and flags (accepted). */
export interface EventResult {
  index: number;
  messageId: string | null;
  status: EventStatus;
  eventId: string | null;
  profileId: string | null;
  reasons: EventProblem[];
  warnings: EventProblem[];
}

/** Ingestion options: `import` sources accept historical timestamps by default. */
export interface IngestOptions {
  source?: "api" | "import";
  maxAgeDays?: number;
  now?: Date;
}

/** Limits ingestion applies (from config). */
export interface IngestionLimits {
  maxFutureSkewSeconds: number;
  maxAgeDays: number;
}

/** One request's valid events waiting for the group transaction. */
interface WriteJob {
  ws: string;
  entries: Entry[];
  categories: Map<string, string | null>;
  now: number;
}

/** A group transaction stops taking more batches past this many events. */
const MAX_GROUP_EVENTS = 5000;
/** Write transactions that may run at once (one per shard of profiles). */
const WRITE_SHARDS = 2;

/** The shard of a profile (uuids are random: the last hex digit spreads evenly). */
function shardOf(profileId: string): number {
  return parseInt(profileId.slice(-1), 16) % WRITE_SHARDS;
}

/** Profile changes of one request's stored events (with the computed traits that changed). */
function changesOf(ws: string, entries: Entry[], traitNames: Map<string, string[]>): ProfileChange[] {
  const types = new Map<string, Set<string>>();
  let last: string | null = null;
  for (const e of entries) {
    if (e.result.status !== "ACCEPTED" || !e.result.eventId) continue;
    const pid = e.result.profileId!;
    types.set(pid, (types.get(pid) ?? new Set()).add(e.event.type));
    last = e.result.eventId;
  }
  // The causing event is named when it is unambiguous (one profile changed); per-event ids for a
  // whole batch would split the hooks' set-based work into one statement per profile.
  const eventId = types.size === 1 && last ? { eventId: last } : {};
  return [...types].map(([profileId, t]) => ({ workspaceId: ws, profileId, changed: ["events", "computed"], eventTypes: [...t], traitNames: traitNames.get(profileId) ?? [], ...eventId }));
}

/**
 * The one ingestion path (GraphQL trackEvents, tracking links, the importer): validate each event,
 * resolve identities, store accepted events idempotently (ON CONFLICT on message id), update
 * computed traits, quarantine rejects — a handful of set-based statements per batch.
 */
export class IngestionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly consent: ConsentService,
    private readonly types: EventTypesService,
    private readonly changes: ProfileChangePublisher,
    private readonly clock: Clock,
    private readonly limits: IngestionLimits,
  ) {}

  /**
   * Concurrent requests' events share one transaction per shard of profiles instead of waiting
   * for each other's profile locks; shards hold disjoint profiles, so their transactions run side
   * by side without conflicts.
   */
  private readonly writers = Array.from({ length: WRITE_SHARDS }, () => new GroupRunner<WriteJob, Map<string, string[]>>((jobs) => this.write(jobs), (j) => j.entries.length, MAX_GROUP_EVENTS));

  async ingest(workspaceId: string, inputs: readonly unknown[], options: IngestOptions = {}): Promise<EventResult[]> {
    const now = options.now ?? this.clock.now();
    const source = options.source ?? "api";
    const { schemas, behavioral: customBehavioral } = await this.types.schemasFor(workspaceId);
    const rules = { now, maxFutureSkewSeconds: this.limits.maxFutureSkewSeconds, maxAgeDays: options.maxAgeDays ?? (source === "import" ? Infinity : this.limits.maxAgeDays), customTypes: schemas };
    const results: EventResult[] = [];
    const valid: { index: number; event: ValidEvent }[] = [];
    const firstIndex = new Map<string, number>();
    inputs.forEach((input, index) => {
      const { event, problems } = validateEvent(input, rules);
      const messageId = typeof (input as { messageId?: unknown })?.messageId === "string" ? ((input as { messageId: string }).messageId) : null;
      results.push({ index, messageId, status: event ? "ACCEPTED" : "REJECTED", eventId: null, profileId: null, reasons: problems, warnings: [] });
      if (!event) return;
      if (firstIndex.has(event.messageId)) results[index].status = "DUPLICATE"; // repeated inside the batch
      else {
        firstIndex.set(event.messageId, index);
        valid.push({ index, event });
      }
    });
    if (valid.length) {
      // Catalog lookup and identity resolution are independent reads: run them side by side.
      // Identity commits on its own (new identifiers hold their locks only for that short
      // transaction); a merge committed after it is followed when the profiles are locked.
      const [categories, resolution] = await Promise.all([
        itemCategories(this.dataSource.manager, workspaceId, valid.flatMap((v) => v.event.itemIds)),
        this.identity.resolveKnown(workspaceId, valid.map((v) => v.event.identifiers)),
      ]);
      const entries: Entry[] = valid.map((v, i) => ({ event: v.event, resolved: resolution.profileIds[i], behavioral: BUILT_IN_EVENT_TYPES[v.event.type] ? !NON_BEHAVIORAL_TYPES.has(v.event.type) : customBehavioral.has(v.event.type), result: results[v.index] }));
      // Split by profile: each shard's part joins that shard's next group transaction.
      const parts = new Map<number, Entry[]>();
      for (const e of entries) {
        const shard = shardOf(e.resolved);
        (parts.get(shard) ?? parts.set(shard, []).get(shard)!).push(e);
      }
      const names = await Promise.all([...parts].map(([shard, list]) => this.writers[shard].submit({ ws: workspaceId, entries: list, categories, now: now.getTime() })));
      const traitNames = new Map(names.flatMap((n) => [...n]));
      await this.changes.publish([...IdentityService.mergeChanges(workspaceId, resolution.merges), ...changesOf(workspaceId, entries, traitNames)]);
    }
    for (const r of results) if (r.status === "DUPLICATE" && r.eventId === null) Object.assign(r, this.sameAs(results, firstIndex, r));
    await this.quarantine(workspaceId, inputs, results, source);
    this.count(results, source);
    return results;
  }

  private sameAs(results: EventResult[], firstIndex: Map<string, number>, r: EventResult): Partial<EventResult> {
    const first = results[firstIndex.get(r.messageId ?? "") ?? -1];
    return first ? { eventId: first.eventId, profileId: first.profileId } : {};
  }

  /** One transaction for a group of batches (several requests' batches while the previous group ran). */
  private async write(jobs: WriteJob[]): Promise<Map<string, string[]>[]> {
    return withRetry(() =>
      this.dataSource.transaction(async (m) => {
        const names = new Map<WriteJob, Map<string, string[]>>();
        for (const ws of new Set(jobs.map((j) => j.ws))) {
          const mine = jobs.filter((j) => j.ws === ws);
          const categories = new Map(mine.flatMap((j) => [...j.categories]));
          const changed = await storeEntries(m, ws, mine.flatMap((j) => j.entries), categories, Math.max(...mine.map((j) => j.now)));
          for (const j of mine) names.set(j, changed);
        }
        return jobs.map((j) => names.get(j)!);
      }),
    );
  }

  private async quarantine(ws: string, inputs: readonly unknown[], results: EventResult[], source: string): Promise<void> {
    const rejected = results.filter((r) => r.status === "REJECTED");
    if (!rejected.length) return;
    const rows = rejected.map((r) => {
      const input = inputs[r.index] as Record<string, unknown> | null;
      const payload = input && typeof input === "object" && !Array.isArray(input) ? input : { value: input };
      return { m: r.messageId, t: typeof payload.type === "string" ? payload.type.slice(0, 100) : null, r: r.reasons, c: [...new Set(r.reasons.map((x) => x.code))], p: payload };
    });
    await this.dataSource.query(
      `INSERT INTO rejected_events (workspace_id, message_id, type, reasons, codes, payload, source)
       SELECT $1, x.m, x.t, x.r, x.c, x.p, $3 FROM jsonb_to_recordset($2::jsonb) AS x(m text, t text, r jsonb, c text[], p jsonb)`,
      [ws, JSON.stringify(rows), source],
    );
  }

  private count(results: EventResult[], source: string): void {
    const by = { ACCEPTED: 0, DUPLICATE: 0, REJECTED: 0 };
    for (const r of results) {
      by[r.status]++;
      if (r.status === "REJECTED") for (const code of new Set(r.reasons.map((x) => x.code))) eventsRejected.inc({ reason: code });
    }
    for (const [status, n] of Object.entries(by)) if (n) eventsIngested.inc({ status: status.toLowerCase(), source }, n);
  }
}
