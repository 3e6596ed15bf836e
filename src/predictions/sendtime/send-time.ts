/** Hours in a week; hour 0 is Monday 00:00–00:59 local time. */
export const HOURS_PER_WEEK = 168;

/** A best hour of the week with how sure we are and where the estimate came from. */
export interface SendTimeEstimate {
  hourOfWeek: number;
  /** Posterior probability that an activity falls within ±window hours of `hourOfWeek`. */
  confidence: number;
  /** Share of the estimate that comes from the person's own history: n / (n + priorStrength). */
  personalWeight: number;
  source: "profile" | "segment" | "workspace" | "none";
  observations: number;
}

export interface SendTimeOptions {
  /** Pseudo-observations the prior is worth (Dirichlet concentration). */
  priorStrength?: number;
  /** Half-width of the window the metric (and the choice) cares about, in hours. */
  window?: number;
}

/** Hour of the week (0–167, Monday first) of a local wall-clock date given as its parts. */
export function hourOfWeek(isoWeekday: number, hour: number): number {
  return ((isoWeekday - 1) % 7) * 24 + hour;
}

export function countsOf(hours: Iterable<number>): number[] {
  const counts = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const h of hours) counts[((h % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK]++;
  return counts;
}

/** Normalizes counts to a distribution (uniform when empty). */
export function distribution(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return total > 0 ? counts.map((c) => c / total) : counts.map(() => 1 / counts.length);
}

/**
 * Dirichlet–multinomial posterior mean: θ_h = (c_h + α·prior_h) / (n + α). With few
 * observations the prior (segment, else workspace pattern) dominates; with many, the person's own.
 */
export function posterior(counts: number[], prior: number[], priorStrength: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.map((c, h) => (c + priorStrength * prior[h]) / (n + priorStrength));
}

/** Mass within ±window hours of h, circular over the week. */
export function windowMass(p: number[], h: number, window: number): number {
  let sum = 0;
  for (let k = -window; k <= window; k++) sum += p[(h + k + HOURS_PER_WEEK) % HOURS_PER_WEEK];
  return sum;
}

/** The hour whose ±window neighbourhood holds the most mass (ties: the hour with more mass itself, then the earliest). */
export function bestHour(p: number[], window: number): { hour: number; mass: number } {
  let best = { hour: 0, mass: -1 };
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    const mass = windowMass(p, h, window);
    if (mass > best.mass + 1e-12 || (Math.abs(mass - best.mass) <= 1e-12 && p[h] > p[best.hour] + 1e-12)) best = { hour: h, mass };
  }
  return best;
}

/** Hierarchical prior: the segment's pattern shrunk toward the workspace's, or the workspace's alone. */
export function priorFor(workspaceCounts: number[], segmentCounts: number[] | null, priorStrength: number): number[] {
  const workspace = distribution(workspaceCounts);
  return segmentCounts ? posterior(segmentCounts, workspace, priorStrength) : workspace;
}

/** Best send hour for one person from their activity-hour counts. */
export function estimateSendTime(personCounts: number[], workspaceCounts: number[], segmentCounts: number[] | null, options: SendTimeOptions = {}): SendTimeEstimate {
  const alpha = options.priorStrength ?? 5;
  const window = options.window ?? 2;
  const n = personCounts.reduce((a, b) => a + b, 0);
  const workspaceTotal = workspaceCounts.reduce((a, b) => a + b, 0);
  const segmentTotal = segmentCounts ? segmentCounts.reduce((a, b) => a + b, 0) : 0;
  if (n === 0 && workspaceTotal === 0 && segmentTotal === 0) {
    return { hourOfWeek: 0, confidence: 0, personalWeight: 0, source: "none", observations: 0 };
  }
  const prior = priorFor(workspaceCounts, segmentTotal > 0 ? segmentCounts : null, alpha);
  const p = posterior(personCounts, prior, alpha);
  const { hour, mass } = bestHour(p, window);
  const source = n > 0 ? "profile" : segmentTotal > 0 ? "segment" : "workspace";
  return { hourOfWeek: hour, confidence: mass, personalWeight: n / (n + alpha), source, observations: n };
}

/** Circular distance between two hours of the week. */
export function hourDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % HOURS_PER_WEEK;
  return Math.min(d, HOURS_PER_WEEK - d);
}

/** "Tue 14:00" for an hour of the week. */
export function formatHourOfWeek(h: number): string {
  const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  return `${days[Math.floor(h / 24)]} ${String(h % 24).padStart(2, "0")}:00`;
}
