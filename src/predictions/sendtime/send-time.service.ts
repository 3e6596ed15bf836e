import type { DataSource } from "typeorm";
import { DAY_MS } from "../features/feature-set";
import { PROFILING_CONSENT_FILTER } from "../features/feature-sql";
import { preparedQuery } from "../features/prepared-query";
import { HOURS_PER_WEEK, countsOf, estimateSendTime, formatHourOfWeek, hourOfWeek, type SendTimeEstimate } from "./send-time";

/** Events that show when a person reads: email opens and clicks. */
export const ENGAGEMENT_TYPES = ["email_open", "email_click"];
/** Without any data anywhere: Tuesday 10:00 local time, confidence 0. */
export const DEFAULT_SEND_HOUR = hourOfWeek(2, 10);
const LOOKBACK_DAYS = 365;
const PER_PROFILE_LIMIT = 300;
const PRIOR_TTL_MS = 10 * 60_000;

/** A profile's best send time, in its own timezone. */
export interface BestSendTime extends SendTimeEstimate {
  localTime: string;
  timezone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** A validated IANA timezone (UTC when unknown or missing). */
export function validTimezone(tz: unknown): string {
  if (typeof tz !== "string" || !tz) return "UTC";
  if (!formatters.has(tz)) {
    try {
      formatters.set(tz, new Intl.DateTimeFormat("en-US", { timeZone: tz, weekday: "short", hour: "numeric", hourCycle: "h23" }));
    } catch {
      formatters.set(tz, null);
    }
  }
  return formatters.get(tz) ? tz : "UTC";
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Hour of the week of an instant in a timezone. */
export function localHourOfWeek(at: Date, timezone: string): number {
  const tz = validTimezone(timezone);
  if (!formatters.has(tz)) validTimezone(tz);
  const parts = formatters.get(tz)!.formatToParts(at);
  const weekday = WEEKDAYS[parts.find((p) => p.type === "weekday")!.value];
  const hour = Number(parts.find((p) => p.type === "hour")!.value) % 24;
  return hourOfWeek(weekday, hour);
}

/** Best send time per profile: the person's opens/clicks shrunk toward the workspace's pattern. */
export class SendTimeService {
  private readonly priors = new Map<string, { at: number; counts: Promise<number[]> }>();

  constructor(private readonly dataSource: DataSource, private readonly now: () => Date) {}

  /** The workspace's hour-of-week pattern of opens and clicks (each in its profile's timezone), cached for 10 minutes. */
  workspacePattern(workspaceId: string): Promise<number[]> {
    const hit = this.priors.get(workspaceId);
    if (hit && this.now().getTime() - hit.at < PRIOR_TTL_MS) return hit.counts;
    const counts = this.dataSource
      .query(
        `SELECT p.traits->>'timezone' AS tz, date_trunc('hour', e.occurred_at) AS hour, COUNT(*)::int AS n
         FROM events e JOIN profiles p ON p.workspace_id = e.workspace_id AND p.id = e.profile_id
         WHERE e.workspace_id = $1 AND e.type = ANY($2) AND e.occurred_at >= $3
         GROUP BY 1, 2`,
        [workspaceId, ENGAGEMENT_TYPES, new Date(this.now().getTime() - LOOKBACK_DAYS * DAY_MS).toISOString()],
      )
      .then((rows: { tz: string | null; hour: Date; n: number }[]) => {
        const out = new Array<number>(HOURS_PER_WEEK).fill(0);
        for (const r of rows) out[localHourOfWeek(new Date(r.hour), validTimezone(r.tz))] += r.n;
        return out;
      });
    this.priors.set(workspaceId, { at: this.now().getTime(), counts });
    counts.catch(() => this.priors.delete(workspaceId));
    return counts;
  }

  /**
   * Estimates for a batch of profiles (one query for their activity); `consentedOnly` leaves out
   * profiles whose profiling consent (their survivor's, for merged ids) is denied or revoked.
   */
  async estimate(workspaceId: string, profileIds: readonly string[], options: { consentedOnly?: boolean } = {}): Promise<Map<string, BestSendTime>> {
    if (profileIds.length === 0) return new Map();
    const since = new Date(this.now().getTime() - LOOKBACK_DAYS * DAY_MS).toISOString();
    const [prior, rows] = await Promise.all([
      this.workspacePattern(workspaceId),
      preparedQuery<{ id: string; tz: string | null; occurred_at: Date | null }>(
        this.dataSource,
        options.consentedOnly ? "kindred_send_time_activity_consented" : "kindred_send_time_activity",
        `SELECT p.id, p.traits->>'timezone' AS tz, e.occurred_at
         FROM profiles p
         LEFT JOIN LATERAL (
           SELECT occurred_at FROM events e
           WHERE e.workspace_id = $1 AND e.profile_id = p.id AND e.type = ANY($3) AND e.occurred_at >= $4
           ORDER BY e.occurred_at DESC LIMIT ${PER_PROFILE_LIMIT}
         ) e ON true
         WHERE p.workspace_id = $1 AND p.id = ANY($2::uuid[])${options.consentedOnly ? ` AND ${PROFILING_CONSENT_FILTER.replace("c.profile_id = p.id", "c.profile_id = COALESCE(p.merged_into_id, p.id)")}` : ""}`,
        [workspaceId, profileIds, ENGAGEMENT_TYPES, since],
      ),
    ]);
    const hours = new Map<string, { tz: string; hours: number[] }>();
    for (const r of rows) {
      const entry = hours.get(r.id) ?? { tz: validTimezone(r.tz), hours: [] };
      if (r.occurred_at) entry.hours.push(localHourOfWeek(new Date(r.occurred_at), entry.tz));
      hours.set(r.id, entry);
    }
    const out = new Map<string, BestSendTime>();
    for (const [id, entry] of hours) {
      const estimate = estimateSendTime(countsOf(entry.hours), prior, null);
      const chosen = estimate.source === "none" ? { ...estimate, hourOfWeek: DEFAULT_SEND_HOUR } : estimate;
      out.set(id, { ...chosen, localTime: formatHourOfWeek(chosen.hourOfWeek), timezone: entry.tz });
    }
    return out;
  }
}
