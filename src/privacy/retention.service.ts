import type { DataSource } from "typeorm";
import { RetentionPolicy } from "./privacy.entities";

export const ALL_TYPES = "*";
const BATCH = 5000;

/** Per-workspace, per-event-type retention: policies and the purge that enforces them. */
export class RetentionService {
  constructor(private readonly dataSource: DataSource) {}

  list(workspaceId: string): Promise<RetentionPolicy[]> {
    return this.dataSource.getRepository(RetentionPolicy).find({ where: { workspaceId }, order: { eventType: "ASC" } });
  }

  /** Sets (or with `maxAgeDays` null removes) the policy of one event type or of `*`. */
  async set(workspaceId: string, eventType: string, maxAgeDays: number | null): Promise<RetentionPolicy[]> {
    const repo = this.dataSource.getRepository(RetentionPolicy);
    if (maxAgeDays === null) await repo.delete({ workspaceId, eventType });
    else await repo.upsert({ workspaceId, eventType, maxAgeDays, updatedAt: new Date() }, ["workspaceId", "eventType"]);
    return this.list(workspaceId);
  }

  /**
   * Deletes events older than their policy, in batches (short transactions, no long locks).
   * Only raw events go: computed traits, segment size history and other aggregates stay.
   */
  async purge(options: { workspaceId?: string; signal?: AbortSignal } = {}): Promise<{ deleted: number; byPolicy: Record<string, number> }> {
    const policies = await this.dataSource.getRepository(RetentionPolicy).find({ where: options.workspaceId ? { workspaceId: options.workspaceId } : {} });
    const byPolicy: Record<string, number> = {};
    let deleted = 0;
    for (const p of policies) {
      const ownTypes = policies.filter((o) => o.workspaceId === p.workspaceId && o.eventType !== ALL_TYPES).map((o) => o.eventType);
      const typeFilter = p.eventType === ALL_TYPES ? `AND NOT (type = ANY($3::text[]))` : `AND type = $3`;
      let n = 0;
      for (;;) {
        if (options.signal?.aborted) break;
        const [, affected] = (await this.dataSource.query(
          `DELETE FROM events WHERE ctid IN (
             SELECT ctid FROM events WHERE workspace_id = $1 AND occurred_at < now() - make_interval(days => $2) ${typeFilter} LIMIT ${BATCH})`,
          [p.workspaceId, p.maxAgeDays, p.eventType === ALL_TYPES ? ownTypes : p.eventType],
        )) as [unknown, number];
        n += affected;
        if (affected < BATCH) break;
      }
      byPolicy[`${p.workspaceId}/${p.eventType}`] = n;
      deleted += n;
    }
    return { deleted, byPolicy };
  }
}
