import { TraitSource, windowSeconds, type Condition, type SegmentInfo } from "./condition.types";
import type { SegmentDependencies } from "./segment.entity";

/** Everything a rule reads, following rule references into the segments they name. */
export function conditionDependencies(condition: Condition, segments: Map<string, SegmentInfo>): SegmentDependencies {
  const traits = new Set<string>();
  const computed = new Set<string>();
  const eventTypes = new Set<string>();
  const refs = new Set<string>();
  const windows = new Map<string, { type: string; seconds: number }>();
  let consent = false;
  let items = false;
  const visit = (c: Condition | null | undefined, trail: string[]): void => {
    if (!c) return;
    c.and?.forEach((x) => visit(x, trail));
    c.or?.forEach((x) => visit(x, trail));
    visit(c.not, trail);
    if (c.trait) (c.trait.source === TraitSource.COMPUTED ? computed : traits).add(c.trait.name);
    if (c.consent) consent = true;
    if (c.event) {
      eventTypes.add(c.event.type);
      if (c.event.items?.length) items = true;
      const seconds = windowSeconds(c.event.within);
      if (seconds) windows.set(`${c.event.type}/${seconds}`, { type: c.event.type, seconds });
    }
    if (c.segment && !trail.includes(c.segment.id)) {
      const target = segments.get(c.segment.id);
      if (target?.kind === "RULE") visit(target.condition, [...trail, c.segment.id]);
      else refs.add(c.segment.id);
    }
  };
  visit(condition, []);
  return { traits: [...traits], computed: [...computed], eventTypes: [...eventTypes], consent, items, windows: [...windows.values()], segments: [...refs] };
}

/** What a profile change touched, as the hooks report it. */
export interface ChangeSummary {
  changed: string[];
  eventTypes?: string[];
  traitNames?: string[];
}

/** Whether a change can alter membership of a segment with these dependencies. */
export function isAffected(deps: SegmentDependencies, change: ChangeSummary): boolean {
  const { changed } = change;
  if (changed.includes("merge")) return true;
  if (changed.includes("events") && deps.eventTypes.length) {
    if (!change.eventTypes || deps.eventTypes.some((t) => change.eventTypes!.includes(t))) return true;
  }
  const names = change.traitNames;
  if (changed.includes("traits") && deps.traits.length && (!names || deps.traits.some((t) => names.includes(t)))) return true;
  if (changed.includes("computed") && deps.computed.length && (!names || deps.computed.some((t) => names.includes(t)))) return true;
  if (changed.includes("consent") && deps.consent) return true;
  return false;
}
