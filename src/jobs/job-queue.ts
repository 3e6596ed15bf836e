import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import PgBoss from "pg-boss";
import type { DomainBus } from "../common/bus";
import { NotFoundError, UserInputError } from "../common/errors";
import type { JobContext, JobDefinition, JobQueue } from "../common/jobs";
import type { Logger } from "../common/logger";
import { JobRun, JobStatus } from "./job-run.entity";

declare module "../common/bus" {
  interface DomainEvents {
    "job.updated": { jobId: string; status: string; progress: number; message: string | null };
    "job.cancelRequested": { jobId: string };
  }
}

const PROGRESS_EVERY_MS = 500;
const FINAL = [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED];

/** Background jobs on PostgreSQL (pg-boss), with run records for progress and cancellation. */
export class PgJobQueue implements JobQueue {
  private readonly definitions = new Map<string, JobDefinition<unknown, unknown>>();
  private readonly running = new Map<string, AbortController>();
  private boss: PgBoss | undefined;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly databaseUrl: string,
    private readonly bus: DomainBus,
    private readonly logger: Logger,
  ) {
    bus.on("job.cancelRequested", ({ jobId }) => this.running.get(jobId)?.abort());
  }

  define<P, R>(definition: JobDefinition<P, R>): void {
    this.definitions.set(definition.kind, definition as JobDefinition<unknown, unknown>);
  }

  kinds(): string[] {
    return [...this.definitions.keys()];
  }

  /** Connects to the queue; with `work`, this process also runs jobs and schedules. */
  async start(options: { work: boolean }): Promise<void> {
    const boss = new PgBoss({ connectionString: this.databaseUrl, schema: "pgboss", max: 4, supervise: options.work, schedule: options.work });
    boss.on("error", (error) => this.logger.error({ err: error }, "job queue error"));
    await boss.start();
    this.boss = boss;
    if (!options.work) return;
    for (const definition of this.definitions.values()) {
      await this.ensureQueue(definition.kind);
      await boss.work<{ jobRunId: string }>(definition.kind, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        await this.run(definition, job.data.jobRunId ?? job.id);
      });
      if (definition.schedule) await boss.schedule(definition.kind, definition.schedule, {});
    }
  }

  // Queues are created on first use, so processes that never run or send a kind pay nothing for it.
  private readonly queues = new Set<string>();
  // Two processes creating the same queue at once can deadlock inside pg-boss (its DDL takes
  // locks in different orders); creation is idempotent, so a short retry settles it.
  private async ensureQueue(kind: string): Promise<void> {
    if (this.queues.has(kind)) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss!.createQueue(kind);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 5 || (code !== "40P01" && code !== "23505" && code !== "42P07")) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
      }
    }
    this.queues.add(kind);
  }

  /** Stops taking jobs; jobs running here are interrupted and queued again for another worker (not cancelled). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const controller of this.running.values()) controller.abort();
    await this.boss?.stop({ graceful: true, timeout: 10_000, wait: true });
    this.boss = undefined;
  }

  async enqueue<P>(kind: string, workspaceId: string | null, params: P, options: { singletonKey?: string } = {}): Promise<string> {
    if (!this.definitions.has(kind)) throw UserInputError.single("kind", `unknown job kind "${kind}"; known: ${this.kinds().join(", ")}`);
    if (!this.boss) throw new Error("job queue is not started");
    const id = randomUUID();
    await this.dataSource.getRepository(JobRun).insert({ id, workspaceId, kind, status: JobStatus.QUEUED, progress: 0, params: params as Record<string, never>, message: null });
    const definition = this.definitions.get(kind)!;
    await this.ensureQueue(kind);
    await this.boss.send(kind, { jobRunId: id }, { id, singletonKey: options.singletonKey, expireInSeconds: definition.expireInSeconds ?? 3600, retryLimit: 0 });
    return id;
  }

  async cancel(jobId: string, workspaceId: string | null): Promise<void> {
    const repo = this.dataSource.getRepository(JobRun);
    const run = await repo.findOne({ where: workspaceId ? { id: jobId, workspaceId } : { id: jobId } });
    if (!run) throw new NotFoundError("Job", jobId);
    if (FINAL.includes(run.status)) return;
    await repo.update({ id: jobId }, { cancelRequestedAt: new Date() });
    if (run.status === JobStatus.QUEUED) {
      await this.boss?.cancel(run.kind, jobId).catch(() => undefined);
      await this.finish(run, JobStatus.CANCELLED, { message: "cancelled before it started" });
    }
    this.bus.publish("job.cancelRequested", { workspaceId: run.workspaceId ?? "", jobId });
  }

  private async run(definition: JobDefinition<unknown, unknown>, jobRunId: string): Promise<void> {
    const repo = this.dataSource.getRepository(JobRun);
    let run = await repo.findOne({ where: { id: jobRunId } });
    if (!run) {
      // Scheduled jobs have no run record until they start.
      run = repo.create({ id: jobRunId, workspaceId: null, kind: definition.kind, status: JobStatus.QUEUED, progress: 0, params: {}, message: null });
      await repo.save(run);
    }
    if (run.cancelRequestedAt || FINAL.includes(run.status)) return;
    const controller = new AbortController();
    this.running.set(run.id, controller);
    await repo.update({ id: run.id }, { status: JobStatus.RUNNING, startedAt: new Date() });
    this.announce(run, JobStatus.RUNNING, 0, null);
    let lastProgress = 0;
    const ctx: JobContext = {
      jobId: run.id,
      workspaceId: run.workspaceId,
      params: run.params,
      signal: controller.signal,
      progress: async (share, message) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS && share < 1) return;
        lastProgress = now;
        const progress = Math.max(0, Math.min(1, share));
        await repo.update({ id: run!.id }, { progress, message: message ?? null });
        this.announce(run!, JobStatus.RUNNING, progress, message ?? null);
      },
    };
    try {
      const result = await definition.handle(ctx);
      if (controller.signal.aborted) await this.interrupted(run);
      else await this.finish(run, JobStatus.SUCCEEDED, { result: result ?? null, progress: 1 });
    } catch (error) {
      if (controller.signal.aborted) await this.interrupted(run);
      else {
        this.logger.error({ err: error, jobId: run.id, kind: run.kind }, "job failed");
        const message = error instanceof UserInputError || error instanceof NotFoundError ? error.message : "job failed; see the server log for this job id";
        await this.finish(run, JobStatus.FAILED, { error: message });
      }
    } finally {
      this.running.delete(run.id);
    }
  }

  // Aborted: by the user (cancelled), or by this worker shutting down (queued again, so a deploy does not cancel work).
  private async interrupted(run: JobRun): Promise<void> {
    const current = await this.dataSource.getRepository(JobRun).findOne({ where: { id: run.id } });
    if (!this.stopping || current?.cancelRequestedAt || !this.boss) return this.finish(run, JobStatus.CANCELLED, { message: "cancelled" });
    await this.dataSource.getRepository(JobRun).update({ id: run.id }, { status: JobStatus.QUEUED, startedAt: null, progress: 0, message: "interrupted by a worker shutdown; queued again" });
    this.announce(run, JobStatus.QUEUED, 0, "interrupted by a worker shutdown; queued again");
    const definition = this.definitions.get(run.kind);
    await this.boss.send(run.kind, { jobRunId: run.id }, { expireInSeconds: definition?.expireInSeconds ?? 3600, retryLimit: 0 });
  }

  private async finish(run: JobRun, status: JobStatus, patch: { result?: unknown; error?: string; message?: string; progress?: number }): Promise<void> {
    await this.dataSource.getRepository(JobRun).update(
      { id: run.id },
      { status, finishedAt: new Date(), result: (patch.result ?? null) as object, error: patch.error ?? null, message: patch.message ?? null, ...(patch.progress !== undefined ? { progress: patch.progress } : {}) },
    );
    this.announce(run, status, patch.progress ?? run.progress, patch.message ?? patch.error ?? null);
  }

  private announce(run: JobRun, status: JobStatus, progress: number, message: string | null): void {
    this.bus.publish("job.updated", { workspaceId: run.workspaceId ?? "", jobId: run.id, status, progress, message });
  }
}
