import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../common/clock";
import type { ProfileChange } from "../profiles/profile-hooks";
import type { ProfileChangePublisher } from "../profiles/profile-changes";
import { IdentityService, withRetry } from "../profiles/identity.service";
import type { ConsentService } from "../privacy/consent.service";
import { ConsentPurpose, type ConsentStatus } from "../privacy/consent.entity";
import { isAllowed } from "../privacy/consent-rules";
import { BUILT_IN_EVENT_TYPES, NON_BEHAVIORAL_TYPES } from "./event-schema";
import { eventsIngested, eventsRejected } from "./event.metrics";
import type { EventTypesService } from "./event-types.service";
import type { EventProblem } from "./rejected-event.entity";
import { itemCategories, updateComputed, type LockedProfile } from "./trait-updater";
import { insertEvents, type EventRow } from "./event-writer";
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

interface Pending { index: number; event: ValidEvent; profileId: string }

/** Batches this large (imports) travel by COPY into a staging table instead of one JSON parameter. */
const COPY_THRESHOLD = 1500;

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
      const categories = await itemCategories(this.dataSource.manager, workspaceId, valid.flatMap((v) => v.event.itemIds));
      // Identity resolution and storage share one transaction (fewer round trips; retried on deadlock).
      const changes = await withRetry(() =>
        this.dataSource.transaction(async (m) => {
          const resolution = await this.identity.resolveIn(m, workspaceId, valid.map((v) => v.event.identifiers));
          const pending = valid.map((v, i) => ({ ...v, profileId: resolution.profileIds[i] }));
          for (const v of valid) Object.assign(results[v.index], { status: "ACCEPTED", warnings: [], eventId: null, profileId: null });
          return [...IdentityService.mergeChanges(workspaceId, resolution.merges), ...(await this.store(m, workspaceId, pending, results, now, customBehavioral, categories))];
        }),
      );
      await this.changes.publish(changes);
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

  private async store(m: EntityManager, ws: string, pending: Pending[], results: EventResult[], now: Date, customBehavioral: Set<string>, categories: Map<string, string | null>): Promise<ProfileChange[]> {
    for (const p of pending)
      p.event.itemIds.forEach((id, i) => {
        if (!categories.has(id)) results[p.index].warnings.push({ path: p.event.type === "purchase" || p.event.type === "refund" ? `properties.lineItems[${i}].itemId` : "properties.itemId", code: "unknown_item", message: `item "${id.slice(0, 60)}" is not in the catalog` });
      });
    const rows: EventRow[] = pending.map((p) => ({ m: p.event.messageId, t: p.event.type, o: p.event.occurredAt.toISOString(), p: p.profileId, pr: p.event.properties, c: p.event.context, i: p.event.itemIds, r: p.event.revenue, cur: p.event.currency }));
    const inserted = await insertEvents(m, ws, rows, rows.length >= COPY_THRESHOLD);
    const ids = new Map(inserted.map((r) => [r.message_id, r.id]));
    const dupIds = pending.filter((p) => !ids.has(p.event.messageId)).map((p) => p.event.messageId);
    const existing: { id: string; message_id: string; profile_id: string }[] = dupIds.length
      ? await m.query(`SELECT e.id, e.message_id, e.profile_id FROM events e WHERE e.workspace_id = $1 AND e.message_id = ANY($2::text[])`, [ws, dupIds])
      : [];
    const dups = new Map(existing.map((r) => [r.message_id, r]));
    let stored: (Pending & { id: string })[] = [];
    for (const p of pending) {
      const id = ids.get(p.event.messageId);
      if (id) stored.push({ ...p, id });
      else Object.assign(results[p.index], { status: "DUPLICATE", eventId: dups.get(p.event.messageId)?.id ?? null, profileId: dups.get(p.event.messageId)?.profile_id ?? p.profileId, warnings: [] });
    }
    // The profile locks are taken only now, so concurrent batches wait for each other as briefly as possible.
    const before = stored.map((p) => p.profileId);
    const locked = await this.lockProfiles(m, ws, stored);
    const moved = stored.filter((p, i) => p.profileId !== before[i]);
    if (moved.length)
      await m.query(`UPDATE events e SET profile_id = x.p FROM unnest($2::uuid[], $3::uuid[]) AS x(id, p) WHERE e.workspace_id = $1 AND e.id = x.id`, [ws, moved.map((p) => p.id), moved.map((p) => p.profileId)]);
    const denied = stored.filter((p) => (BUILT_IN_EVENT_TYPES[p.event.type] ? !NON_BEHAVIORAL_TYPES.has(p.event.type) : customBehavioral.has(p.event.type)) && locked.get(p.profileId)?.analytics === false);
    if (denied.length) {
      // Analytics denied: behavioural events are not kept.
      await m.query(`DELETE FROM events WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [ws, denied.map((p) => p.id)]);
      for (const p of denied) results[p.index].warnings.push({ path: "type", code: "not_stored_analytics_denied", message: "not stored: this person denied analytics consent" });
      stored = stored.filter((p) => !denied.includes(p));
    }
    for (const p of stored) Object.assign(results[p.index], { eventId: p.id, profileId: p.profileId });
    for (const p of denied) results[p.index].profileId = p.profileId;
    const events = stored.map((p) => ({ ...p.event, profileId: p.profileId }));
    await updateComputed(m, ws, locked, events, categories, now.getTime());
    const types = new Map<string, Set<string>>();
    for (const e of events) types.set(e.profileId, (types.get(e.profileId) ?? new Set()).add(e.type));
    return [...types].map(([profileId, t]) => ({ workspaceId: ws, profileId, changed: ["events", "computed"], eventTypes: [...t] }));
  }

  /** Locks the batch's profiles (id order, no deadlocks) and follows merges that raced with us. */
  private async lockProfiles(m: EntityManager, ws: string, pending: { profileId: string }[]): Promise<Map<string, LockedProfile & { analytics: boolean }>> {
    const locked = new Map<string, LockedProfile & { analytics: boolean }>();
    let ids = [...new Set(pending.map((p) => p.profileId))];
    const redirect = new Map<string, string>();
    for (let round = 0; ids.length && round < 5; round++) {
      // The analytics consent decision comes along (one round trip); the rule is the shared one.
      const rows: (LockedProfile & { merged_into_id: string | null; status: ConsentStatus | null; occurred_at: Date | null; analytics: boolean })[] = await m.query(
        `SELECT p.id, p.computed, p.traits->>'timezone' AS tz, p.merged_into_id, c.status, c.occurred_at FROM profiles p
         LEFT JOIN consents c ON c.workspace_id = p.workspace_id AND c.profile_id = p.id AND c.purpose = 'analytics'
         WHERE p.workspace_id = $1 AND p.id = ANY($2::uuid[]) ORDER BY p.id FOR UPDATE OF p`,
        [ws, ids],
      );
      for (const r of rows) r.analytics = isAllowed(ConsentPurpose.ANALYTICS, r.status ? { status: r.status, occurredAt: r.occurred_at! } : null);
      ids = [];
      for (const r of rows) {
        if (r.merged_into_id) {
          redirect.set(r.id, r.merged_into_id);
          if (!locked.has(r.merged_into_id)) ids.push(r.merged_into_id);
        } else locked.set(r.id, r);
      }
    }
    // A merge committed between resolution and this lock: the events belong to the survivor.
    for (const p of pending) while (redirect.has(p.profileId)) p.profileId = redirect.get(p.profileId)!;
    return locked;
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
