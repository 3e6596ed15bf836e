import type { DataSource } from "typeorm";
import { Counter } from "prom-client";
import { metricsRegistry } from "../common/metrics";

/** One row to append to the audit log (the key prefix is looked up in the same INSERT). */
export interface AuditRecord {
  workspaceId: string;
  at: Date;
  apiKeyId: string | null;
  role: string | null;
  operationType: string;
  operationName: string | null;
  fields: string[];
  targetIds: string[];
  targetCount: number;
  personalData: boolean;
  outcome: string;
  errorCode: string | null;
  ip: string;
  requestId: string;
}

export const auditWrites = new Counter({
  name: "kindred_audit_entries_total",
  help: "Audit entries written (outcome=ok) or failed to write (outcome=failed)",
  labelNames: ["outcome"] as const,
  registers: [metricsRegistry],
});

const MAX_BATCH = 500;

interface Pending {
  record: AuditRecord;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Appends audit records with group commit: each request awaits its own record, while records
 * that arrive during a write go out together in the next single INSERT. The caller answers
 * only after its record is committed, so an acknowledged request cannot lose its audit entry
 * silently (a failed write is reported to the caller, logged and counted).
 */
export class AuditWriter {
  private pending: Pending[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  append(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Waits until every record appended so far is written (shutdown). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.insert(batch.map((p) => p.record));
          auditWrites.inc({ outcome: "ok" }, batch.length);
          for (const p of batch) p.resolve();
        } catch (error) {
          auditWrites.inc({ outcome: "failed" }, batch.length);
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.running = null;
    }
  }

  // One statement per batch: rows travel as one JSON parameter; the key prefix is joined in.
  private async insert(records: AuditRecord[]): Promise<void> {
    const rows = records.map((r) => ({
      workspace_id: r.workspaceId,
      at: r.at.toISOString(),
      api_key_id: r.apiKeyId,
      role: r.role,
      operation_type: r.operationType,
      operation_name: r.operationName,
      fields: r.fields,
      target_ids: r.targetIds,
      target_count: r.targetCount,
      personal_data: r.personalData,
      outcome: r.outcome,
      error_code: r.errorCode,
      ip: r.ip,
      request_id: r.requestId,
    }));
    await this.dataSource.query(
      `INSERT INTO audit_log (workspace_id, at, api_key_id, key_prefix, role, operation_type, operation_name, fields, target_ids, target_count, personal_data, outcome, error_code, ip, request_id)
       SELECT v.workspace_id, v.at, v.api_key_id, k.prefix, v.role, v.operation_type, v.operation_name, v.fields, v.target_ids, v.target_count, v.personal_data, v.outcome, v.error_code, v.ip, v.request_id
       FROM jsonb_to_recordset($1::jsonb) AS v(workspace_id uuid, at timestamptz, api_key_id uuid, role text, operation_type text, operation_name text, fields text[], target_ids text[],
            target_count int, personal_data boolean, outcome text, error_code text, ip text, request_id text)
       LEFT JOIN api_keys k ON k.id = v.api_key_id`,
      [JSON.stringify(rows)],
    );
  }
}
