import { HOURS_PER_WEEK, countsOf, estimateSendTime, bestHour, distribution, hourDistance } from "../sendtime/send-time";
import { loadOnlineRetail } from "./online-retail";

export const SENDTIME_SPLIT = "2011-10-01";
export const MIN_HISTORY_INVOICES = 3;
export const WINDOW_HOURS = 2;

/** Hour of the week (Monday 00:00 = 0) of a wall-clock timestamp stored as UTC. */
export function retailHourOfWeek(at: number): number {
  const date = new Date(at);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
}

export interface SendTimeReport {
  protocol: string;
  customers: number;
  held_out_invoices: number;
  /** Share of held-out invoices within ±2 h of the customer's predicted hour. */
  bayes_hit_rate: number;
  /** The same with the person's own most frequent window alone (no shrinkage). */
  personal_only_hit_rate: number;
  baseline_hit_rate: number;
  baseline_hour: number;
  prior_strength: number;
}

/** The sendtime-online-retail protocol: per-customer hour-of-week estimate shrunk toward country, then shop. */
export async function runSendTimeProtocol(datasetDir: string, priorStrength = 5): Promise<SendTimeReport> {
  const customers = await loadOnlineRetail(datasetDir);
  const split = Date.parse(`${SENDTIME_SPLIT}T00:00:00Z`);
  const history = new Map<string, number[]>();
  const heldOut = new Map<string, number[]>();
  const country = new Map<string, string>();
  for (const [customer, invoices] of customers) {
    const purchases = invoices.filter((i) => !i.refund);
    history.set(customer, purchases.filter((i) => i.at < split).map((i) => retailHourOfWeek(i.at)));
    heldOut.set(customer, purchases.filter((i) => i.at >= split).map((i) => retailHourOfWeek(i.at)));
    country.set(customer, purchases[0]?.country ?? invoices[0].country);
  }
  const workspace = countsOf([...history.values()].flat());
  const byCountry = new Map<string, number[]>();
  for (const [customer, hours] of history) {
    const counts = byCountry.get(country.get(customer)!) ?? new Array<number>(HOURS_PER_WEEK).fill(0);
    for (const h of hours) counts[h]++;
    byCountry.set(country.get(customer)!, counts);
  }
  const baselineHour = bestHour(distribution(workspace), 0).hour;
  let evaluated = 0;
  let total = 0;
  let bayesHits = 0;
  let personalHits = 0;
  let baselineHits = 0;
  for (const [customer, hours] of history) {
    const held = heldOut.get(customer)!;
    if (hours.length < MIN_HISTORY_INVOICES || held.length === 0) continue;
    evaluated++;
    const counts = countsOf(hours);
    const estimate = estimateSendTime(counts, workspace, byCountry.get(country.get(customer)!) ?? null, { priorStrength, window: WINDOW_HOURS });
    const personal = bestHour(distribution(counts), WINDOW_HOURS).hour;
    for (const h of held) {
      total++;
      if (hourDistance(h, estimate.hourOfWeek) <= WINDOW_HOURS) bayesHits++;
      if (hourDistance(h, personal) <= WINDOW_HOURS) personalHits++;
      if (hourDistance(h, baselineHour) <= WINDOW_HOURS) baselineHits++;
    }
  }
  return {
    protocol: "sendtime-online-retail",
    customers: evaluated,
    held_out_invoices: total,
    bayes_hit_rate: bayesHits / total,
    personal_only_hit_rate: personalHits / total,
    baseline_hit_rate: baselineHits / total,
    baseline_hour: baselineHour,
    prior_strength: priorStrength,
  };
}
