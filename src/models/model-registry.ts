import { createHash } from "node:crypto";
import type * as ort from "onnxruntime-node";
import type { DataSource, EntityManager } from "typeorm";
import { onnx } from "onnx-proto";
import type { DomainBus } from "../common/bus";
import type { Clock } from "../common/clock";
import { ConflictError, NotFoundError } from "../common/errors";
import type { Logger } from "../common/logger";
import { ModelStatus, ModelVersion, type TensorSpec } from "./model-version.entity";
import { loadSession, probeRun } from "./onnx/session-cache";
import { validateUpload, type UploadDeclaration } from "./upload-validation";

declare module "../common/bus" {
  interface DomainEvents {
    "model.activated": { kind: string; versionId: string; previousVersionId: string | null };
    "model.staged": { kind: string; versionId: string };
  }
}

/** What a trainer or an upload hands to the registry to create a staged version. */
export interface StageInput {
  workspaceId: string;
  kind: string;
  params: Record<string, unknown>;
  onnx: Uint8Array;
  metrics?: Record<string, unknown>;
  trainingWindow?: { start: Date | null; end: Date | null };
  dataCounts?: Record<string, number>;
  source?: "trained" | "uploaded";
  signature?: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  featureMapping?: Record<string, unknown> | null;
  jobId?: string | null;
}

/** Declared inputs/outputs of an ONNX model, read from its graph (symbolic dims become -1). */
export function signatureOf(bytes: Uint8Array): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const graph = onnx.ModelProto.decode(bytes).graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const names: Record<number, string> = { 1: "float32", 6: "int32", 7: "int64", 9: "bool", 11: "float64" };
  const spec = (v: onnx.IValueInfoProto): TensorSpec => ({
    name: v.name ?? "",
    type: names[v.type?.tensorType?.elemType ?? 0] ?? "unknown",
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1)),
  });
  return { inputs: (graph?.input ?? []).filter((v) => !initializers.has(v.name)).map(spec), outputs: (graph?.output ?? []).map(spec) };
}

/**
 * Model versions as data and their ONNX sessions: stage, activate (warm first), roll back,
 * find the active version per kind, and one InferenceSession per version shared by all requests.
 */
export class ModelRegistry {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  /** workspace|kind of each loaded session, so activations can release what no longer serves. */
  private readonly sessionKinds = new Map<string, string>();
  private readonly activeCache = new Map<string, Promise<ModelVersion | null>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: DomainBus,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    // Another instance activated a version: forget the pointer and warm the new session here too.
    bus.on("model.activated", (p) => {
      this.activeCache.delete(`${p.workspaceId}|${p.kind}`);
      void this.active(p.workspaceId, p.kind).then((v) => v && this.session(v)).catch((error) => this.logger.warn({ err: error }, "warming a model failed"));
    });
  }

  /** Stores a new staged version (version number = previous + 1 for its kind). */
  async stage(input: StageInput): Promise<ModelVersion> {
    const sha256 = createHash("sha256").update(input.onnx).digest("hex");
    const saved = await this.dataSource.transaction(async (manager) => {
      await lockKind(manager, input.workspaceId, input.kind);
      const [{ next }] = await manager.query(`SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE workspace_id = $1 AND kind = $2`, [input.workspaceId, input.kind]);
      const row = manager.create(ModelVersion, {
        workspaceId: input.workspaceId,
        kind: input.kind,
        version: Number(next),
        status: ModelStatus.STAGED,
        source: input.source ?? "trained",
        params: input.params,
        trainingWindowStart: input.trainingWindow?.start ?? null,
        trainingWindowEnd: input.trainingWindow?.end ?? null,
        dataCounts: input.dataCounts ?? {},
        metrics: input.metrics ?? {},
        signature: input.signature ?? signatureOf(input.onnx),
        featureMapping: input.featureMapping ?? null,
        artifact: Buffer.from(input.onnx.buffer, input.onnx.byteOffset, input.onnx.byteLength),
        sha256,
        sizeBytes: input.onnx.byteLength,
        jobId: input.jobId ?? null,
      });
      return manager.save(ModelVersion, row);
    });
    this.bus.publish("model.staged", { workspaceId: input.workspaceId, kind: input.kind, versionId: saved.id });
    return this.get(input.workspaceId, saved.id);
  }

  /** Validates a bring-your-own ONNX file (load + signature + probe run) and stages it; nothing is stored on failure. */
  async upload(workspaceId: string, declaration: UploadDeclaration & { params?: Record<string, unknown>; metrics?: Record<string, unknown>; featureMapping?: Record<string, unknown> | null }): Promise<ModelVersion> {
    const { bytes, session } = await validateUpload(declaration);
    const version = await this.stage({
      workspaceId,
      kind: declaration.kind,
      params: declaration.params ?? {},
      onnx: bytes,
      metrics: declaration.metrics ?? {},
      source: "uploaded",
      signature: { inputs: declaration.inputs, outputs: declaration.outputs },
      featureMapping: declaration.featureMapping ?? null,
    });
    this.sessions.set(version.id, Promise.resolve(session));
    this.sessionKinds.set(version.id, `${workspaceId}|${version.kind}`);
    return version;
  }

  /** A version of this workspace (without its artifact) or NOT_FOUND. */
  async get(workspaceId: string, versionId: string): Promise<ModelVersion> {
    const row = await this.dataSource.getRepository(ModelVersion).findOne({ where: { workspaceId, id: versionId } });
    if (!row) throw new NotFoundError("Model version", versionId);
    return row;
  }

  /** Makes a version the active one of its kind: loads and probes its session first, so a broken model never becomes active. */
  activate(workspaceId: string, versionId: string, by: string): Promise<ModelVersion> {
    return this.switchTo(workspaceId, versionId, by, false);
  }

  /** Re-activates the version the current active one replaced; the current one is retired. */
  async rollback(workspaceId: string, kind: string, by: string): Promise<ModelVersion> {
    const current = await this.active(workspaceId, kind, true);
    if (!current) throw new ConflictError(`There is no active ${kind} model to roll back`, { kind });
    if (!current.previousVersionId) throw new ConflictError(`${kind} v${current.version} has no previous version to roll back to`, { kind });
    return this.switchTo(workspaceId, current.previousVersionId, by, true);
  }

  private async switchTo(workspaceId: string, versionId: string, by: string, rollback: boolean): Promise<ModelVersion> {
    const version = await this.get(workspaceId, versionId);
    if (version.status === ModelStatus.ACTIVE) return version;
    try {
      const session = await this.session(version);
      await probeRun(session, version.signature.inputs);
    } catch (error) {
      this.sessions.delete(version.id);
      throw new ConflictError(`${version.kind} v${version.version} cannot be activated: its ONNX session failed to load or run (${String((error as Error).message).split("\n")[0].slice(0, 200)})`);
    }
    let previousId: string | null = null;
    await this.dataSource.transaction(async (manager) => {
      await lockKind(manager, workspaceId, version.kind);
      const [current] = await manager.query(`SELECT id FROM model_versions WHERE workspace_id = $1 AND kind = $2 AND status = 'active'`, [workspaceId, version.kind]);
      const now = this.clock.now();
      if (current) await manager.update(ModelVersion, { workspaceId, id: current.id }, { status: ModelStatus.RETIRED, retiredAt: now });
      previousId = current?.id ?? null;
      const patch: Partial<ModelVersion> = { status: ModelStatus.ACTIVE, activatedAt: now, activatedBy: by, retiredAt: null };
      // A rollback keeps the target's own predecessor, so repeated rollbacks walk further back.
      if (!rollback && previousId) patch.previousVersionId = previousId;
      await manager.update(ModelVersion, { workspaceId, id: version.id }, patch as Record<string, unknown>);
    });
    this.activeCache.delete(`${workspaceId}|${version.kind}`);
    this.bus.publish("model.activated", { workspaceId, kind: version.kind, versionId: version.id, previousVersionId: previousId });
    this.releaseStale(`${workspaceId}|${version.kind}`, new Set([version.id, ...(rollback ? [] : previousId ? [previousId] : [])]));
    this.logger.info({ workspaceId, kind: version.kind, version: version.version, by, rollback }, "model activated");
    return this.get(workspaceId, version.id);
  }

  /** The active version of a kind (cached; the cache follows `model.activated` across instances). */
  active(workspaceId: string, kind: string, fresh = false): Promise<ModelVersion | null> {
    const key = `${workspaceId}|${kind}`;
    let hit = fresh ? undefined : this.activeCache.get(key);
    if (!hit) {
      hit = this.dataSource.getRepository(ModelVersion).findOne({ where: { workspaceId, kind, status: ModelStatus.ACTIVE } });
      this.activeCache.set(key, hit);
      hit.catch(() => this.activeCache.delete(key));
    }
    return hit;
  }

  /** The ONNX artifact of a version. */
  async artifact(version: Pick<ModelVersion, "id" | "workspaceId">): Promise<Uint8Array> {
    const row = await this.dataSource
      .getRepository(ModelVersion)
      .createQueryBuilder("m")
      .addSelect("m.artifact")
      .where("m.workspace_id = :ws AND m.id = :id", { ws: version.workspaceId, id: version.id })
      .getOne();
    if (!row) throw new NotFoundError("Model version", version.id);
    return new Uint8Array(row.artifact);
  }

  /** The one InferenceSession of a version, loaded on first use and shared. */
  session(version: Pick<ModelVersion, "id" | "workspaceId"> & { kind?: string }): Promise<ort.InferenceSession> {
    let hit = this.sessions.get(version.id);
    if (!hit) {
      hit = this.artifact(version).then((bytes) => loadSession(bytes));
      this.sessions.set(version.id, hit);
      if (version.kind) this.sessionKinds.set(version.id, `${version.workspaceId}|${version.kind}`);
      hit.catch(() => this.sessions.delete(version.id));
    }
    return hit;
  }

  // Keeps the active session and (after a plain activation) the one it replaced, for a quick rollback;
  // the others of that kind are released after a grace period for in-flight runs.
  private releaseStale(kindKey: string, keep: Set<string>): void {
    for (const [versionId, key] of this.sessionKinds) {
      if (key !== kindKey || keep.has(versionId)) continue;
      const hit = this.sessions.get(versionId);
      this.sessions.delete(versionId);
      this.sessionKinds.delete(versionId);
      const timer = setTimeout(() => void hit?.then((session) => session.release()).catch(() => undefined), 30_000);
      timer.unref();
    }
  }

  /** Releases every loaded session (shutdown). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
  }
}

async function lockKind(manager: EntityManager, workspaceId: string, kind: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`model:${workspaceId}:${kind}`]);
}
