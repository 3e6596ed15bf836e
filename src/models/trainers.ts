import type { DataSource } from "typeorm";
import { ProblemCollector, UserInputError } from "../common/errors";
import type { Logger } from "../common/logger";
import type { StageInput } from "./model-registry";

/** What a trainer sees: the workspace, its params, the database, progress and cancellation. */
export interface TrainerContext {
  workspaceId: string;
  params: Record<string, unknown>;
  dataSource: DataSource;
  logger: Logger;
  now: Date;
  progress(share: number, message?: string): Promise<void>;
  signal: AbortSignal;
}

/** A trained model ready to be staged (the registry adds workspace and kind). */
export type TrainedModel = Omit<StageInput, "workspaceId" | "kind" | "source">;

/** A kind of model Kindred can train; modules register theirs on the registry. */
export interface TrainerDefinition {
  kind: string;
  description: string;
  /** Adds a problem per invalid param (path `${path}.<name>`); defaults are applied by `train`. */
  validateParams?(params: Record<string, unknown>, problems: ProblemCollector, path: string): void;
  train(ctx: TrainerContext): Promise<TrainedModel>;
}

/** Trainers by kind. */
export class TrainerCatalog {
  private readonly trainers = new Map<string, TrainerDefinition>();

  register(definition: TrainerDefinition): void {
    if (this.trainers.has(definition.kind)) throw new Error(`trainer ${definition.kind} is registered twice`);
    this.trainers.set(definition.kind, definition);
  }

  kinds(): string[] {
    return [...this.trainers.keys()].sort();
  }

  /** The trainer of a kind, with its params validated; throws BAD_USER_INPUT naming the field. */
  resolve(kind: string, params: Record<string, unknown>, path = "input"): TrainerDefinition {
    const trainer = this.trainers.get(kind);
    if (!trainer) throw UserInputError.single(`${path}.kind`, `no trainer for "${kind}"; trainable kinds: ${this.kinds().join(", ") || "none"}`);
    const problems = new ProblemCollector();
    trainer.validateParams?.(params, problems, `${path}.params`);
    problems.throwIfAny();
    return trainer;
  }
}
