import type { PrivacyHook } from "../privacy-hooks";
import { deleteRowsOf, tableExists } from "./sql";

/** Experiment assignments and exposures (the experiments module's tables). */
export const experimentsHook: PrivacyHook = {
  tables: ["experiment_assignments", "experiment_exposures"],
  async export(s, m) {
    const out: Record<string, unknown> = { assignments: [], exposures: [] };
    if (await tableExists(m, "experiment_assignments")) {
      out.assignments = await m.query(`SELECT experiment_id AS "experimentId", variant_key AS "variantKey", assigned_at AS "assignedAt" FROM experiment_assignments WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY assigned_at`, [s.workspaceId, s.profileIds]);
    }
    if (await tableExists(m, "experiment_exposures")) {
      out.exposures = await m.query(
        `SELECT campaign_id AS "campaignId", experiment_id AS "experimentId", variant_key AS "variantKey", template_version AS "templateVersion", exposed_at AS "exposedAt" FROM experiment_exposures WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY exposed_at`,
        [s.workspaceId, s.profileIds],
      );
    }
    return out;
  },
  async erase(s, m) {
    let n = 0;
    for (const table of ["experiment_exposures", "experiment_assignments"]) if (await tableExists(m, table)) n += await deleteRowsOf(m, table, s);
    return n;
  },
};
