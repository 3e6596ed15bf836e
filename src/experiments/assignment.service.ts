import type { DataSource, EntityManager } from "typeorm";
import type { FieldProblem } from "../common/errors";
import { isUuid } from "../common/validation";
import { assignVariant, overridesFor } from "./assign";
import { campaignIdOf, isCampaignKey } from "./campaign-key";
import { HOLDOUT_KEY, type ExperimentVariant } from "./experiment.entity";
import type { ExperimentsService, ExposureInput, RenderAssignment } from "./experiments.contract";
import type { ResultsNotifier } from "./results-notifier";
import { assignmentsCreated, exposuresRecorded } from "./experiments.metrics";

interface RunningRow {
  id: string;
  variants: ExperimentVariant[];
  holdout_share: number;
}

/** Assignment at render time, exposures, and assignments that follow identity merges. */
export class AssignmentService implements ExperimentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: ResultsNotifier,
  ) {}

  async assignForRender(workspaceId: string, request: { templateId: string; campaignId?: string | null; profileIds: string[] }): Promise<Map<string, RenderAssignment>> {
    const result = new Map<string, RenderAssignment>();
    const ids = [...new Set(request.profileIds.filter(isUuid))];
    if (!ids.length || !isUuid(request.templateId)) return result;
    // A campaign key (non-UUID) scopes like its derived id; anything else scopes to no campaign.
    const campaignId = request.campaignId && (isUuid(request.campaignId) || isCampaignKey(request.campaignId)) ? campaignIdOf(workspaceId, request.campaignId) : null;
    // A campaign-scoped experiment wins over a template-wide one.
    const [experiment] = (await this.dataSource.query(
      `SELECT id, variants, holdout_share FROM experiments
        WHERE workspace_id = $1 AND template_id = $2 AND status = 'RUNNING' AND (campaign_id IS NULL OR campaign_id = $3)
        ORDER BY campaign_id NULLS LAST, started_at LIMIT 1`,
      [workspaceId, request.templateId, campaignId],
    )) as RunningRow[];
    if (!experiment) return result;
    const keys = ids.map((id) => assignVariant(experiment.id, id, experiment.variants, experiment.holdout_share));
    // Insert the new assignments and read the stored ones in one statement: a stored arm (e.g.
    // inherited through a merge) wins over the freshly computed one.
    const rows = (await this.dataSource.query(
      `WITH input AS (SELECT * FROM unnest($3::uuid[], $4::text[]) AS t(profile_id, variant_key)),
            inserted AS (
              INSERT INTO experiment_assignments (workspace_id, experiment_id, profile_id, variant_key)
              SELECT $1, $2, profile_id, variant_key FROM input
              ON CONFLICT DO NOTHING RETURNING profile_id, variant_key)
       SELECT a.profile_id, a.variant_key, false AS created FROM experiment_assignments a JOIN input i USING (profile_id)
        WHERE a.workspace_id = $1 AND a.experiment_id = $2
       UNION ALL SELECT profile_id, variant_key, true FROM inserted`,
      [workspaceId, experiment.id, ids, keys],
    )) as { profile_id: string; variant_key: string; created: boolean }[];
    // The snapshot shows rows stored before this statement; `inserted` adds the new ones.
    const stored = new Map(rows.map((r) => [r.profile_id, r.variant_key]));
    assignmentsCreated.inc(rows.filter((r) => r.created).length);
    ids.forEach((id, i) => {
      const variantKey = stored.get(id) ?? keys[i];
      result.set(id, { experimentId: experiment.id, variantKey, holdout: variantKey === HOLDOUT_KEY, overrides: overridesFor(experiment.variants, variantKey) });
    });
    return result;
  }

  async recordExposures(workspaceId: string, exposures: ExposureInput[]): Promise<{ recorded: number; problems: FieldProblem[] }> {
    const problems: FieldProblem[] = [];
    const valid: ExposureInput[] = [];
    exposures.forEach((e, i) => {
      const before = problems.length;
      if (typeof e.campaignId !== "string" || !(isUuid(e.campaignId) || isCampaignKey(e.campaignId))) problems.push({ path: `exposures[${i}].campaignId`, message: "must be a campaign UUID or key (1–200 letters, digits, _ . : -)" });
      if (!isUuid(e.profileId ?? "")) problems.push({ path: `exposures[${i}].profileId`, message: "must be a UUID" });
      if (e.experimentId != null && !isUuid(e.experimentId)) problems.push({ path: `exposures[${i}].experimentId`, message: "must be a UUID" });
      if (e.experimentId && !e.variantKey) problems.push({ path: `exposures[${i}].variantKey`, message: "is required with experimentId" });
      if (typeof e.templateVersion !== "string" || !e.templateVersion) problems.push({ path: `exposures[${i}].templateVersion`, message: "must be a non-empty string" });
      if (problems.length === before) valid.push(e);
    });
    if (!valid.length) return { recorded: 0, problems };
    const now = new Date();
    // One statement: create unknown campaigns with default attribution, then insert exposures
    // (idempotent per campaign + profile: a retried send records nothing twice).
    const rows = (await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
           AS t(campaign_id, profile_id, experiment_id, variant_key, template_version, exposed_at, key)),
       campaigns_created AS (
         INSERT INTO campaigns (id, workspace_id, name, key)
         SELECT DISTINCT ON (campaign_id) campaign_id, $1::uuid, coalesce(key, 'Campaign ' || left(campaign_id::text, 8)), key FROM input
         ON CONFLICT DO NOTHING)
       INSERT INTO experiment_exposures (workspace_id, campaign_id, profile_id, experiment_id, variant_key, template_version, exposed_at)
       SELECT DISTINCT ON (campaign_id, profile_id) $1::uuid, campaign_id, profile_id, experiment_id, variant_key, template_version, exposed_at FROM input
       ON CONFLICT DO NOTHING RETURNING experiment_id`,
      [
        workspaceId,
        valid.map((e) => campaignIdOf(workspaceId, e.campaignId)),
        valid.map((e) => e.profileId),
        valid.map((e) => e.experimentId ?? null),
        valid.map((e) => e.variantKey ?? null),
        valid.map((e) => e.templateVersion),
        valid.map((e) => e.exposedAt ?? now),
        valid.map((e) => (isUuid(e.campaignId) ? null : e.campaignId)),
      ],
    )) as { experiment_id: string | null }[];
    exposuresRecorded.inc(rows.length);
    for (const experimentId of new Set(rows.map((r) => r.experiment_id))) if (experimentId) this.notifier.notify(workspaceId, experimentId);
    return { recorded: rows.length, problems };
  }

  /**
   * Identity merge: the survivor keeps ONE assignment per experiment — the earliest one of the
   * two profiles (what the person saw first stays what they see); the merged profile's rows go.
   * Its exposures move to the survivor (a campaign both received keeps the survivor's own).
   */
  async followMerges(workspaceId: string, pairs: { survivor: string; merged: string }[], manager: EntityManager): Promise<void> {
    if (!pairs.length) return;
    // Move the merged profile's rows onto the survivor; on a clash the earlier assignment wins.
    await manager.query(
      `WITH pairs AS (SELECT * FROM unnest($2::uuid[], $3::uuid[]) AS t(survivor, merged)),
            moved AS (
              DELETE FROM experiment_assignments a USING pairs p
               WHERE a.workspace_id = $1 AND a.profile_id = p.merged AND p.merged <> p.survivor
              RETURNING a.experiment_id, p.survivor, a.variant_key, a.assigned_at)
       INSERT INTO experiment_assignments (workspace_id, experiment_id, profile_id, variant_key, assigned_at)
       SELECT DISTINCT ON (experiment_id, survivor) $1, experiment_id, survivor, variant_key, assigned_at FROM moved
        ORDER BY experiment_id, survivor, assigned_at
       ON CONFLICT (workspace_id, experiment_id, profile_id) DO UPDATE
          SET variant_key = EXCLUDED.variant_key, assigned_at = EXCLUDED.assigned_at
        WHERE EXCLUDED.assigned_at < experiment_assignments.assigned_at`,
      [workspaceId, pairs.map((p) => p.survivor), pairs.map((p) => p.merged)],
    );
    // Exposures move too, so outcomes the survivor produces are attributed to what was sent.
    await manager.query(
      `WITH pairs AS (SELECT * FROM unnest($2::uuid[], $3::uuid[]) AS t(survivor, merged)),
            moved AS (
              DELETE FROM experiment_exposures x USING pairs p
               WHERE x.workspace_id = $1 AND x.profile_id = p.merged AND p.merged <> p.survivor
              RETURNING x.campaign_id, p.survivor, x.experiment_id, x.variant_key, x.template_version, x.exposed_at)
       INSERT INTO experiment_exposures (workspace_id, campaign_id, profile_id, experiment_id, variant_key, template_version, exposed_at)
       SELECT DISTINCT ON (campaign_id, survivor) $1, campaign_id, survivor, experiment_id, variant_key, template_version, exposed_at FROM moved
        ORDER BY campaign_id, survivor, exposed_at
       ON CONFLICT DO NOTHING`,
      [workspaceId, pairs.map((p) => p.survivor), pairs.map((p) => p.merged)],
    );
  }

  /** Experiments whose recent exposures include these profiles (for live result updates). */
  async experimentsOfProfiles(workspaceId: string, profileIds: string[], manager: EntityManager): Promise<string[]> {
    if (!profileIds.length) return [];
    const rows = (await manager.query(
      `SELECT DISTINCT experiment_id FROM experiment_exposures
        WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) AND experiment_id IS NOT NULL AND exposed_at > now() - interval '30 days'`,
      [workspaceId, profileIds],
    )) as { experiment_id: string }[];
    return rows.map((r) => r.experiment_id);
  }
}
