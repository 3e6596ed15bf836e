import type { PrivacyHook } from "../privacy-hooks";
import { deleteRowsOf, tableExists } from "./sql";

/** Segment memberships (the segments module's table; size history is an aggregate and stays). */
export const segmentsHook: PrivacyHook = {
  tables: ["segment_memberships"],
  async export(s, m) {
    if (!(await tableExists(m, "segment_memberships"))) return [];
    return m.query(
      `SELECT sm.segment_id AS "segmentId", sg.name AS "segmentName", sm.entered_at AS "enteredAt", sm.exited_at AS "exitedAt"
       FROM segment_memberships sm LEFT JOIN segments sg ON sg.id = sm.segment_id AND sg.workspace_id = sm.workspace_id
       WHERE sm.workspace_id = $1 AND sm.profile_id = ANY($2::uuid[]) ORDER BY sm.entered_at`,
      [s.workspaceId, s.profileIds],
    );
  },
  async erase(s, m) {
    return (await tableExists(m, "segment_memberships")) ? deleteRowsOf(m, "segment_memberships", s) : 0;
  },
};
