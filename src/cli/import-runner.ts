import { basename } from "node:path";
import type { ModuleRegistry } from "../common/kernel";
import { Progress } from "../common/progress";
import { CATALOG } from "../catalog/catalog.module";
import type { ItemInputLike } from "../catalog/item.service";
import { EVENT_INGESTION, EVENT_TYPES } from "../events/events.module";
import { PROFILES, TRAIT_DEFINITIONS } from "../profiles/profiles.module";
import type { ProfileRow } from "../profiles/profile.service";
import { mapRow, missingColumns, type ColumnRule } from "./import-mapping";
import { PRESETS } from "./import-presets";
import { openSource, type SourceOptions } from "./import-sources";

export type ImportKind = "events" | "profiles" | "items";

/** What to import and how. */
export interface ImportRequest {
  kind: ImportKind;
  file: string;
  workspaceId: string;
  preset?: string;
  rules: ColumnRule[];
  sets: [string, string][];
  source: SourceOptions;
  batchSize: number;
  /** Stop after this many records (slices for tests and trials). */
  limit?: number;
  /** Read only this many rows of the file (slices of the shared datasets). */
  rowLimit?: number;
  quiet?: boolean;
}

/** The outcome of an import: counts by status and rejected counts by reason code. */
export interface ImportSummary {
  kind: ImportKind;
  file: string;
  rows: number;
  records: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  reasons: Record<string, number>;
  seconds: number;
}

type Outcome = { status: string; reasons: { code?: string; message: string }[] };

/** Streams a file through the same validation and services as the API, in batches. */
export async function runImport(request: ImportRequest, registry: ModuleRegistry): Promise<ImportSummary> {
  const started = Date.now();
  const preset = request.preset ? PRESETS[request.preset]?.[request.kind] : undefined;
  if (request.preset && !preset) throw new Error(`preset "${request.preset}" has no ${request.kind} mapping; presets: ${Object.entries(PRESETS).map(([n, p]) => `${n} (${Object.keys(p).join(", ")})`).join("; ")}`);
  await setup(request, preset?.setup, registry);
  const source = openSource(request.file, { ...preset?.source, ...request.source });
  const summary: ImportSummary = { kind: request.kind, file: request.file, rows: 0, records: 0, accepted: 0, duplicate: 0, rejected: 0, reasons: {}, seconds: 0 };
  const progress = request.quiet ? undefined : new Progress(`import ${request.kind}`, source.size);
  // Rows and --rows count data rows: a header row is not one.
  const hasHeader = source.format === "delimited" && (preset ? preset.source.header === true : request.source.header !== false);
  const counted = countRows(source.rows as AsyncIterable<string[]>, summary, request.rowLimit, hasHeader);
  const records = preset ? preset.transform(counted) : generic(counted, request, source.format === "ndjson");
  const sink = sinkFor(request, registry);
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (!batch.length) return;
    for (const outcome of await sink(batch)) tally(summary, outcome);
    batch = [];
    progress?.update(source.bytesRead(), `${summary.records} records, ${summary.rejected} rejected`);
  };
  for await (const record of records) {
    summary.records++;
    batch.push(record);
    if (batch.length >= request.batchSize) await flush();
    if (request.limit && summary.records >= request.limit) break;
  }
  await flush();
  progress?.finish(source.bytesRead(), `${summary.records} records`);
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

async function* countRows(rows: AsyncIterable<string[]>, summary: ImportSummary, limit = Infinity, header = false): AsyncIterable<string[]> {
  let skipHeader = header;
  for await (const row of rows) {
    if (skipHeader) {
      skipHeader = false;
      yield row;
      continue;
    }
    if (summary.rows >= limit) break;
    summary.rows++;
    yield row;
  }
}

function tally(summary: ImportSummary, outcome: Outcome): void {
  if (outcome.status === "REJECTED") {
    summary.rejected++;
    for (const code of new Set(outcome.reasons.map((r) => r.code ?? "invalid"))) summary.reasons[code] = (summary.reasons[code] ?? 0) + 1;
  } else if (outcome.status === "DUPLICATE") summary.duplicate++;
  else summary.accepted++;
}

async function setup(request: ImportRequest, declared: { eventTypes?: { name: string; properties: Record<string, unknown> }[]; traits?: { name: string; type: string }[] } | undefined, registry: ModuleRegistry): Promise<void> {
  for (const t of declared?.eventTypes ?? []) await registry.get(EVENT_TYPES).register(request.workspaceId, t);
  if (declared?.traits?.length) await registry.get(TRAIT_DEFINITIONS).define(request.workspaceId, declared.traits);
}

/** Column-mapped rows (or NDJSON objects) → records; events get a stable default messageId. */
async function* generic(rows: AsyncIterable<string[] | Record<string, unknown>>, request: ImportRequest, ndjson: boolean): AsyncIterable<Record<string, unknown>> {
  let header: string[] | null = null;
  let first = true;
  let n = 0;
  const name = basename(request.file);
  for await (const row of rows) {
    let record: Record<string, unknown>;
    if (ndjson) {
      const obj = row as Record<string, unknown>;
      record = request.rules.length ? mapRow(Object.values(obj).map((v) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v))), Object.keys(obj), request.rules, request.sets) : { ...obj };
    } else {
      const cells = row as string[];
      if (first && request.source.header !== false) {
        header = cells;
        first = false;
        const missing = missingColumns(request.rules, header, header.length);
        if (missing.length) throw new Error(`--map names columns that are not in the header: ${missing.join(", ")} (header: ${header.join(", ")})`);
        continue;
      }
      first = false;
      record = mapRow(cells, header, request.rules, request.sets);
    }
    n++;
    if (request.kind === "events" && record.messageId === undefined) record.messageId = `${name}:${n}`;
    yield record;
  }
}

function sinkFor(request: ImportRequest, registry: ModuleRegistry): (batch: Record<string, unknown>[]) => Promise<Outcome[]> {
  const ws = request.workspaceId;
  if (request.kind === "events") return (batch) => registry.get(EVENT_INGESTION).ingest(ws, batch, { source: "import" });
  if (request.kind === "profiles") return (batch) => registry.get(PROFILES).identifyMany(ws, batch.map(toProfileRow));
  return async (batch) => (await registry.get(CATALOG).upsert(ws, batch.map(toItem))).map((r) => ({ status: r.status, reasons: r.reasons.map((p) => ({ ...p, code: `invalid_${p.path.split(".").pop()}` })) }));
}

const IDENTIFIER_FIELDS: Record<string, string> = { userId: "user_id", email: "email", anonymousId: "anonymous_id", deviceId: "device_id" };

/** A flat record (userId, email, traits.x …) or {identifiers, traits} → a profile row. */
export function toProfileRow(record: Record<string, unknown>): ProfileRow {
  const identifiers: Record<string, string> = { ...((record.identifiers as Record<string, string>) ?? {}) };
  for (const [field, type] of Object.entries(IDENTIFIER_FIELDS)) if (typeof record[field] === "string" && record[field]) identifiers[type] = record[field] as string;
  return { identifiers, traits: (record.traits as Record<string, unknown>) ?? {} };
}

/** A mapped record → an item (categoryPath "A > B" or category text, tags "a,b" accepted). */
export function toItem(record: Record<string, unknown>): ItemInputLike {
  const list = (v: unknown, sep: RegExp) => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? v.split(sep).map((s) => s.trim()).filter(Boolean) : undefined);
  return {
    ...(record as unknown as ItemInputLike),
    id: String(record.id ?? ""),
    title: String(record.title ?? ""),
    price: typeof record.price === "number" ? record.price : record.price === undefined || record.price === null ? null : Number.NaN,
    categoryPath: list(record.categoryPath, />|\//) ?? (typeof record.category === "string" ? [record.category] : undefined),
    tags: list(record.tags, /,/),
  };
}
