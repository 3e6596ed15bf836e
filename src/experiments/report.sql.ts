// The aggregate queries behind reports. Everything per recipient happens in PostgreSQL: the
// exposures of a campaign or experiment (x), each recipient's attributed outcomes (o: one row per
// recipient with any outcome), then ONE GROUP BY over the arms. Attribution rules:
// - a recipient's outcome counts when it happens within the campaign's window after the send;
// - opens and clicks count only when tracked for this campaign (properties/context.campaignId);
// - machine opens (flagged `properties.machineOpen` or within `machine_open_seconds` of the send)
//   are excluded unless the campaign includes them; a click implies a human open;
// - conversions are any purchase by the recipient in the window (intent-to-treat: the arms are
//   compared on everyone assigned, clicked or not), revenue is the sum of those purchases.

/** Which exposures a report covers. */
export type ReportScope = "campaign" | "experiment";

/** One aggregated row: an arm (optionally within an experiment or a segment). */
export interface AggregateRow {
  experiment_id: string | null;
  variant_key: string;
  segment_id?: string;
  sends: string;
  opens: string;
  machine_opens: string;
  clicks: string;
  conversions: string;
  revenue: number;
  revenue_squares: number;
}

// Opens and clicks count only when tracked for the recipient's campaign — by its id or its key.
// For a campaign report both are constants ($2, $6), so PostgreSQL filters events in the scan.
function trackedCampaign(scope: ReportScope): string {
  const campaign = scope === "campaign" ? "$2::text, $6::text" : "x.campaign_id::text, x.campaign_key";
  return `AND (e.type = 'purchase' OR coalesce(e.properties->>'campaignId', e.context->>'campaignId') IN (${campaign}))`;
}

// A campaign's settings are known before the query and bound as $3–$6 (so the window filter
// runs inside the join); an experiment's recipients may span campaigns, so there they are joined.
function exposuresCte(scope: ReportScope): string {
  if (scope === "campaign") {
    return `x AS NOT MATERIALIZED (
    SELECT x.campaign_id, x.profile_id, x.experiment_id, coalesce(x.variant_key, 'all') AS variant_key, x.exposed_at,
           x.exposed_at + make_interval(hours => $3::int) AS window_end,
           x.exposed_at + make_interval(secs => $4::int) AS machine_until,
           $5::boolean AS include_machine
      FROM experiment_exposures x
     WHERE x.workspace_id = $1 AND x.campaign_id = $2)`;
  }
  return `x AS NOT MATERIALIZED (
    SELECT x.campaign_id, x.profile_id, x.experiment_id, coalesce(x.variant_key, 'all') AS variant_key, x.exposed_at,
           x.exposed_at + make_interval(hours => coalesce(c.attribution_window_hours, 72)) AS window_end,
           x.exposed_at + make_interval(secs => coalesce(c.machine_open_seconds, 2)) AS machine_until,
           coalesce(c.include_machine_opens, false) AS include_machine, c.key AS campaign_key
      FROM experiment_exposures x
      LEFT JOIN campaigns c ON c.workspace_id = x.workspace_id AND c.id = x.campaign_id
     WHERE x.workspace_id = $1 AND x.experiment_id = $2)`;
}

/** Attribution settings of one campaign (bound into campaign-scope queries). */
export interface CampaignSettings {
  attributionWindowHours: number;
  machineOpenSeconds: number;
  includeMachineOpens: boolean;
  key: string | null;
}

/** Parameters for `armsSql`/`segmentArmsSql` (segment ids last, segment query only). */
export function reportParams(scope: ReportScope, workspaceId: string, id: string, campaign: CampaignSettings | null, segmentIds?: string[] | null): unknown[] {
  const params: unknown[] = [workspaceId, id];
  if (scope === "campaign") params.push(campaign!.attributionWindowHours, campaign!.machineOpenSeconds, campaign!.includeMachineOpens, campaign!.key);
  if (segmentIds !== undefined) params.push(segmentIds);
  return params;
}

// A campaign report groups outcomes by recipient alone (narrower sort keys); an experiment's
// recipients may span campaigns, so there the key is (campaign, recipient).
const outcomeKey = (scope: ReportScope): string => (scope === "campaign" ? "x.profile_id" : "x.campaign_id, x.profile_id");
const outcomeJoin = (scope: ReportScope): string =>
  scope === "campaign" ? "o.profile_id = x.profile_id" : "o.campaign_id = x.campaign_id AND o.profile_id = x.profile_id";

function outcomesCte(scope: ReportScope): string {
  return `o AS NOT MATERIALIZED (
    SELECT ${outcomeKey(scope)},
           bool_or(e.type = 'email_click' OR (e.type = 'email_open' AND (x.include_machine
             OR (e.occurred_at >= x.machine_until AND NOT e.properties @> '{"machineOpen": true}')))) AS opened,
           bool_or(e.type = 'email_open' AND (e.occurred_at < x.machine_until OR e.properties @> '{"machineOpen": true}')) AS machine_opened,
           bool_or(e.type = 'email_click') AS clicked,
           bool_or(e.type = 'purchase') AS converted,
           coalesce(sum(e.revenue) FILTER (WHERE e.type = 'purchase'), 0)::float8 AS revenue
      FROM x
      JOIN events e ON e.workspace_id = $1 AND e.profile_id = x.profile_id
       AND e.occurred_at >= x.exposed_at AND e.occurred_at < x.window_end
     WHERE e.type IN ('email_open', 'email_click', 'purchase')
       ${trackedCampaign(scope)}
     GROUP BY ${outcomeKey(scope)})`;
}

const MEASURES = `count(*) AS sends,
       count(*) FILTER (WHERE o.opened) AS opens,
       count(*) FILTER (WHERE o.machine_opened AND NOT o.opened) AS machine_opens,
       count(*) FILTER (WHERE o.clicked) AS clicks,
       count(*) FILTER (WHERE o.converted) AS conversions,
       coalesce(sum(o.revenue), 0)::float8 AS revenue,
       coalesce(sum(o.revenue * o.revenue), 0)::float8 AS revenue_squares`;

/** Per arm: $1 workspace, $2 campaign or experiment id (see `reportParams`). */
export function armsSql(scope: ReportScope): string {
  return `WITH ${exposuresCte(scope)}, ${outcomesCte(scope)}
  SELECT x.experiment_id, x.variant_key, ${MEASURES}
    FROM x LEFT JOIN o ON ${outcomeJoin(scope)}
   GROUP BY x.experiment_id, x.variant_key
   ORDER BY x.experiment_id NULLS LAST, x.variant_key`;
}

/**
 * Per segment and arm, by membership at the time of the send; the last parameter is the
 * segment ids (null: every segment of the recipients).
 */
export function segmentArmsSql(scope: ReportScope): string {
  const seg = scope === "campaign" ? "$7" : "$3";
  return `WITH ${exposuresCte(scope)}, ${outcomesCte(scope)}
  SELECT m.segment_id, x.experiment_id, x.variant_key, ${MEASURES}
    FROM x
    JOIN segment_memberships m ON m.workspace_id = $1 AND m.profile_id = x.profile_id
     AND m.entered_at <= x.exposed_at AND (m.exited_at IS NULL OR m.exited_at > x.exposed_at)
     AND (${seg}::uuid[] IS NULL OR m.segment_id = ANY(${seg}::uuid[]))
    LEFT JOIN o ON ${outcomeJoin(scope)}
   GROUP BY m.segment_id, x.experiment_id, x.variant_key`;
}
