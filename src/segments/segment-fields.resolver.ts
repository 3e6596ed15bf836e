import { Args, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../common/context";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { Profile } from "../profiles/profile.entity";
import { Can } from "../workspaces/role";
import { Segment } from "./segment.entity";
import { SegmentSizePoint, SegmentVersion } from "./segment-records.entity";
import type { SegmentsService } from "./segments.service";
import { SegmentMember } from "./segment.types";

const SegmentMemberConnection = ConnectionType(SegmentMember);
const SizePointConnection = ConnectionType(SegmentSizePoint, "SegmentSizePoint");

/** Fields of Segment that read memberships. */
@Resolver(() => Segment)
export class SegmentFieldsResolver {
  constructor(private readonly service: SegmentsService) {}

  @Authorized(...Can.read)
  @FieldResolver(() => Int, { description: "Current number of members" })
  size(@Root() segment: Segment): number {
    return segment.memberCount;
  }

  @Authorized(...Can.read)
  @FieldResolver(() => SegmentMemberConnection, { description: "Current members, by profile id" })
  async members(@Root() segment: Segment, @Args() { first, after }: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<SegmentMember>> {
    const rows = await this.service.memberPage(ctx.scope.workspaceId, segment.id, first + 1, after ? String(decodeCursor(after, 1)[0]) : null);
    const profiles = await ctx.scope.manager.findBy(Profile, rows.map((r) => ({ workspaceId: ctx.scope.workspaceId, id: r.profileId })));
    const byId = new Map(profiles.map((p) => [p.id, p]));
    return toConnection(rows.map((r) => ({ ...r, profile: byId.get(r.profileId) ?? null })), first, (m) => [m.profileId], Boolean(after));
  }

  @Authorized(...Can.read)
  @FieldResolver(() => SizePointConnection, { description: "Size over time, newest first" })
  async sizeHistory(@Root() segment: Segment, @Args() { first, after }: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<SegmentSizePoint>> {
    const query = ctx.scope.query(SegmentSizePoint, "h").andWhere("h.segment_id = :id", { id: segment.id }).orderBy("h.at", "DESC").addOrderBy("h.id", "DESC").take(first + 1);
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      query.andWhere("(h.at, h.id) < (:at, :hid)", { at, hid: id });
    }
    const rows = await query.getMany();
    return toConnection(rows, first, (h) => [h.at.toISOString(), h.id], Boolean(after));
  }

  @Authorized(...Can.read)
  @FieldResolver(() => [SegmentVersion], { description: "Every saved version, newest first" })
  async versions(@Root() segment: Segment, @Ctx() ctx: RequestContext): Promise<SegmentVersion[]> {
    return ctx.scope.find(SegmentVersion, { where: { segmentId: segment.id }, order: { version: "DESC" } });
  }
}

/** Adds `segments` to Profile without touching the profiles module (batched per request). */
@Resolver(() => Profile)
export class ProfileSegmentsResolver {
  constructor(private readonly service: SegmentsService) {}

  @Authorized(...Can.read)
  @FieldResolver(() => [Segment], { description: "Segments this profile is in now" })
  async segments(@Root() profile: Profile, @Ctx() ctx: RequestContext): Promise<Segment[]> {
    const workspaceId = ctx.scope.workspaceId;
    const loader = ctx.loaders.get<string, Segment[]>("segments.byProfile", async (ids) => {
      const map = await this.service.segmentsOf(workspaceId, [...ids]);
      return ids.map((id) => map.get(id) ?? []);
    });
    return loader.load(profile.id);
  }
}
