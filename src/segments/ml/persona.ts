const WORDS: Record<string, [high: string, low: string]> = {
  frequency: ["frequent", "infrequent"],
  monetary: ["high-spend", "low-spend"],
  recency_days: ["lapsed", "recently active"],
  events_30d: ["engaged", "quiet"],
  purchaseCount: ["frequent", "infrequent"],
  revenue: ["high-spend", "low-spend"],
  recencyDays: ["lapsed", "recently active"],
  engagementScore: ["engaged", "disengaged"],
};

/** Plain words for a centroid in standardized units: the (up to 3) features that stand out most. */
export function persona(centroid: number[], features: string[], threshold = 0.5): string {
  const parts = centroid
    .map((z, j) => ({ z, name: features[j] }))
    .filter((f) => Math.abs(f.z) >= threshold)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, 3)
    .map(({ z, name }) => {
      const category = name.startsWith("category:") ? name.slice("category:".length) : null;
      if (category) return z > 0 ? category : `not ${category}`;
      const words = WORDS[name];
      if (words) return z > 0 ? words[0] : words[1];
      return `${z > 0 ? "high" : "low"} ${name}`;
    });
  return parts.length ? parts.join(", ") : "average";
}
