import type { EntityManager } from "typeorm";
import type { DomainBus } from "../common/bus";
import type { SegmentInfo } from "./condition.types";
import { Segment, SegmentKind, SegmentStatus } from "./segment.entity";

const TTL_MS = 60_000;

/** The segments of one workspace as the evaluation path needs them. */
export interface WorkspaceSegments {
  /** Active rule segments (kept current by the hooks). */
  rules: Segment[];
  /** Every segment by id (for references and validation). */
  infos: Map<string, SegmentInfo>;
}

export function toInfo(s: Segment): SegmentInfo {
  return { id: s.id, kind: s.kind, archived: s.status === SegmentStatus.ARCHIVED, condition: s.condition };
}

/**
 * Per-workspace cache of segment definitions, so the per-event path does not read them each
 * time. Saving a segment publishes `segment.definitionChanged`, which every instance (via the
 * bus's NOTIFY bridge) uses to drop its copy.
 */
export class SegmentDefinitions {
  private readonly cache = new Map<string, { at: number; value: Promise<WorkspaceSegments> }>();

  constructor(bus: DomainBus) {
    bus.on("segment.definitionChanged", ({ workspaceId }) => this.invalidate(workspaceId));
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  get(manager: EntityManager, workspaceId: string): Promise<WorkspaceSegments> {
    const hit = this.cache.get(workspaceId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = manager.find(Segment, { where: { workspaceId } }).then((all) => ({
      rules: all.filter((s) => s.kind === SegmentKind.RULE && s.status === SegmentStatus.ACTIVE && s.condition),
      infos: new Map(all.map((s) => [s.id, toInfo(s)])),
    }));
    value.catch(() => this.cache.delete(workspaceId));
    this.cache.set(workspaceId, { at: Date.now(), value });
    return value;
  }
}

declare module "../common/bus" {
  interface DomainEvents {
    "segment.definitionChanged": { segmentId: string };
    "segment.membershipChanged": { segmentId: string; profileId: string; entered: boolean; at: string; eventId: string | null };
    "segment.sizeChanged": { segmentId: string; size: number; at: string };
  }
}
