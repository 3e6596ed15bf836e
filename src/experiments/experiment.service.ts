import type { DataSource } from "typeorm";
import { ConflictError, UserInputError, type FieldProblem } from "../common/errors";
import type { WorkspaceScope } from "../db/workspace-scope";
import { assertUuid } from "../common/validation";
import { Experiment, ExperimentKind, ExperimentMetric, ExperimentStatus, HOLDOUT_KEY } from "./experiment.entity";
import type { CreateExperimentInput, UpdateExperimentInput } from "./experiment.inputs";
import { biasingChanges, checkUuid, normalizeDefinition } from "./experiment-rules";
import { campaignIdOf, isCampaignKey } from "./campaign-key";
import { isUuid } from "../common/validation";

function checkCampaign(value: string | null | undefined, path: string, problems: FieldProblem[]): void {
  if (value != null && !isUuid(value) && !isCampaignKey(value)) problems.push({ path, message: "must be a campaign UUID or key (1–200 letters, digits, _ . : -)" });
}

/** Experiment definitions and their lifecycle (draft → running → stopped). */
export class ExperimentService {
  constructor(private readonly dataSource: DataSource) {}

  async create(scope: WorkspaceScope, input: CreateExperimentInput): Promise<Experiment> {
    const problems: FieldProblem[] = [];
    if (!input.name?.trim()) problems.push({ path: "input.name", message: "must not be empty" });
    checkUuid(input.templateId, "input.templateId", problems);
    checkCampaign(input.campaignId, "input.campaignId", problems);
    const { definition, problems: definitionProblems } = normalizeDefinition(input);
    problems.push(...definitionProblems);
    if (problems.length) throw new UserInputError(problems);
    return scope.save(Experiment, {
      name: input.name.trim(),
      description: input.description ?? null,
      kind: definition.kind,
      templateId: input.templateId,
      campaignId: input.campaignId ? campaignIdOf(scope.workspaceId, input.campaignId) : null,
      variants: definition.variants,
      factors: definition.factors,
      holdoutShare: definition.holdoutShare,
      alpha: definition.alpha,
      primaryMetric: input.primaryMetric ?? ExperimentMetric.CLICK_RATE,
      sequential: input.sequential ?? true,
      status: ExperimentStatus.DRAFT,
    });
  }

  get(scope: WorkspaceScope, id: string): Promise<Experiment> {
    assertUuid(id, "id");
    return scope.get(Experiment, { id }, "Experiment", id);
  }

  /** Edits a draft freely; a running or stopped test only by name and description (else CONFLICT). */
  async update(scope: WorkspaceScope, input: UpdateExperimentInput): Promise<Experiment> {
    assertUuid(input.id, "input.id");
    const current = await this.get(scope, input.id);
    if (input.version != null && input.version !== current.version) throw new ConflictError(`Experiment ${current.id} changed meanwhile (version ${current.version}, expected ${input.version})`, { version: current.version });
    const locked = biasingChanges(input as unknown as Record<string, unknown>);
    if (current.status !== ExperimentStatus.DRAFT && locked.length) {
      throw new ConflictError(`Experiment ${current.id} is ${current.status.toLowerCase()}: changing ${locked.join(", ")} would bias its results; stop it and create a new experiment instead`, { fields: locked });
    }
    const problems: FieldProblem[] = [];
    if (input.name != null && !input.name.trim()) problems.push({ path: "input.name", message: "must not be empty" });
    checkUuid(input.templateId, "input.templateId", problems);
    checkCampaign(input.campaignId, "input.campaignId", problems);
    const patch: Partial<Experiment> = {};
    if (input.name != null) patch.name = input.name.trim();
    if (input.description !== undefined) patch.description = input.description;
    if (current.status === ExperimentStatus.DRAFT) {
      if (input.templateId) patch.templateId = input.templateId;
      if (input.campaignId) patch.campaignId = campaignIdOf(scope.workspaceId, input.campaignId);
      if (input.primaryMetric) patch.primaryMetric = input.primaryMetric;
      if (input.sequential != null) patch.sequential = input.sequential;
      if (locked.some((f) => ["variants", "factors", "holdoutShare", "alpha"].includes(f))) {
        const { definition, problems: definitionProblems } = normalizeDefinition({
          kind: current.kind,
          variants: current.kind === ExperimentKind.MULTIVARIATE ? null : (input.variants ?? current.variants.map((v) => ({ key: v.key, weight: v.weight, control: v.control, ...v.overrides }))),
          factors: input.factors ?? current.factors,
          holdoutShare: input.holdoutShare ?? current.holdoutShare,
          alpha: input.alpha ?? current.alpha,
        });
        problems.push(...definitionProblems);
        Object.assign(patch, { variants: definition.variants, factors: definition.factors, holdoutShare: definition.holdoutShare, alpha: definition.alpha });
      }
    }
    if (problems.length) throw new UserInputError(problems);
    await this.bump(scope, current, patch);
    return this.get(scope, current.id);
  }

  /** Starts a draft. At most one experiment runs per template and campaign scope (CONFLICT otherwise). */
  async start(scope: WorkspaceScope, id: string): Promise<Experiment> {
    const current = await this.get(scope, id);
    if (current.status !== ExperimentStatus.DRAFT) throw new ConflictError(`Experiment ${id} is ${current.status.toLowerCase()}; only a draft can start`);
    // Check and start under one per-template lock, so two drafts started at the same instant cannot both run.
    await scope.manager.transaction(async (manager) => {
      const tx = scope.withManager(manager);
      await manager.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`experiment-start:${scope.workspaceId}:${current.templateId}`]);
      const clash = await tx
        .query(Experiment, "e")
        .andWhere("e.template_id = :templateId AND e.status = 'RUNNING' AND e.campaign_id IS NOT DISTINCT FROM :campaignId", { templateId: current.templateId, campaignId: current.campaignId })
        .getOne();
      if (clash) throw new ConflictError(`Experiment ${clash.id} already runs on template ${current.templateId}; stop it first`, { experimentId: clash.id });
      await this.bump(tx, current, { status: ExperimentStatus.RUNNING, startedAt: new Date() });
    });
    return this.get(scope, id);
  }

  /** Stops a running test, optionally naming the winning arm. Stored assignments are kept for the report. */
  async stop(scope: WorkspaceScope, id: string, winnerKey?: string | null): Promise<Experiment> {
    const current = await this.get(scope, id);
    if (current.status !== ExperimentStatus.RUNNING) throw new ConflictError(`Experiment ${id} is ${current.status.toLowerCase()}; only a running experiment can stop`);
    if (winnerKey != null && winnerKey !== HOLDOUT_KEY && !current.variants.some((v) => v.key === winnerKey)) {
      throw UserInputError.single("input.winnerKey", `must be one of ${current.variants.map((v) => v.key).join(", ")}`);
    }
    await this.bump(scope, current, { status: ExperimentStatus.STOPPED, stoppedAt: new Date(), winnerKey: winnerKey ?? null });
    return this.get(scope, id);
  }

  // Optimistic concurrency: the update applies only to the version we read.
  private async bump(scope: WorkspaceScope, current: Experiment, patch: Partial<Experiment>): Promise<void> {
    const affected = await scope.update(Experiment, { id: current.id, version: current.version }, { ...patch, version: current.version + 1 });
    if (!affected) throw new ConflictError(`Experiment ${current.id} changed meanwhile; read it again and retry`);
  }
}
