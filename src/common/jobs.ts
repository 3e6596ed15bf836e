/** What a running job can see and say. */
export interface JobContext<P = unknown> {
  jobId: string;
  workspaceId: string | null;
  params: P;
  /** Reports progress from 0 to 1 with an optional note (throttled). */
  progress(share: number, message?: string): Promise<void>;
  /** Aborted when the job is cancelled; long loops should check `signal.aborted`. */
  signal: AbortSignal;
}

/** A background job type: a kind name and its handler. */
export interface JobDefinition<P = unknown, R = unknown> {
  kind: string;
  handle(ctx: JobContext<P>): Promise<R>;
  /** Cron expression for scheduled runs (workspace-independent). */
  schedule?: string;
  /** Longest run in seconds before the queue gives up. */
  expireInSeconds?: number;
}

/** The PostgreSQL-backed job queue, as modules see it. */
export interface JobQueue {
  define<P, R>(definition: JobDefinition<P, R>): void;
  /** Queues a job and returns its id; `singletonKey` dedupes queued work. */
  enqueue<P>(kind: string, workspaceId: string | null, params: P, options?: { singletonKey?: string }): Promise<string>;
  cancel(jobId: string, workspaceId: string | null): Promise<void>;
}
