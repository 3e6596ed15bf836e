import type { DataSource } from "typeorm";
import type { JobContext } from "../common/jobs";
import type { Logger } from "../common/logger";
import type { Clock } from "../common/clock";
import type { ModelRegistry } from "./model-registry";
import type { ModelVersion } from "./model-version.entity";
import type { TrainerCatalog } from "./trainers";

export const TRAIN_JOB = "models.train";

/** Params of a training job. */
export interface TrainJobParams {
  kind: string;
  params: Record<string, unknown>;
  activate: boolean;
  by: string;
}

/** Trains, stages and (optionally) activates one model version; shared by the job and `kindred train`. */
export async function runTraining(
  deps: { registry: ModelRegistry; trainers: TrainerCatalog; dataSource: DataSource; logger: Logger; clock: Clock },
  workspaceId: string,
  job: TrainJobParams,
  control: { jobId: string | null; progress(share: number, message?: string): Promise<void>; signal: AbortSignal },
): Promise<ModelVersion> {
  const trainer = deps.trainers.resolve(job.kind, job.params);
  await control.progress(0.01, `training ${job.kind}`);
  const trained = await trainer.train({ workspaceId, params: job.params, dataSource: deps.dataSource, logger: deps.logger, now: deps.clock.now(), progress: control.progress, signal: control.signal });
  if (control.signal.aborted) throw new Error("cancelled");
  await control.progress(0.95, "staging");
  const staged = await deps.registry.stage({ ...trained, workspaceId, kind: job.kind, jobId: control.jobId });
  return job.activate ? deps.registry.activate(workspaceId, staged.id, job.by) : staged;
}

/** The job handler behind `trainModel`. */
export function trainJobHandler(deps: Parameters<typeof runTraining>[0]) {
  return async (ctx: JobContext<TrainJobParams>) => {
    if (!ctx.workspaceId) throw new Error("a training job needs a workspace");
    const version = await runTraining(deps, ctx.workspaceId, ctx.params, { jobId: ctx.jobId, progress: ctx.progress, signal: ctx.signal });
    return { versionId: version.id, kind: version.kind, version: version.version, status: version.status, metrics: version.metrics };
  };
}
