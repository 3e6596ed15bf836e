import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../common/context";
import type { Clock } from "../common/clock";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { assertUuid } from "../common/validation";
import { UserInputError } from "../common/errors";
import { Can } from "../workspaces/role";
import { SegmentConditionInput } from "./condition.inputs";
import type { MembershipService } from "./membership.service";
import { Segment, SegmentKind, SegmentStatus } from "./segment.entity";
import { CreateSegmentInput, SegmentIdInput, UpdateSegmentInput } from "./segment.inputs";
import type { SegmentService } from "./segment.service";
import { RecomputeSegmentPayload, SegmentPayload, SegmentPreview } from "./segment.types";

const SegmentConnection = ConnectionType(Segment);

@Resolver(() => Segment)
export class SegmentResolver {
  constructor(
    private readonly service: SegmentService,
    private readonly memberships: MembershipService,
    private readonly clock: Clock,
  ) {}

  @Authorized(...Can.read)
  @Query(() => Segment, { description: "A segment of this workspace" })
  async segment(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Segment> {
    assertUuid(id, "id");
    return ctx.scope.get(Segment, { id }, "Segment", id);
  }

  @Authorized(...Can.read)
  @Query(() => SegmentConnection, { description: "Segments of this workspace, newest first" })
  async segments(
    @Args() { first, after }: PageArgs,
    @Arg("status", () => SegmentStatus, { nullable: true }) status: SegmentStatus | null,
    @Arg("kind", () => SegmentKind, { nullable: true }) kind: SegmentKind | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<Segment>> {
    const query = ctx.scope.query(Segment, "s").orderBy("s.created_at", "DESC").addOrderBy("s.id", "DESC").take(first + 1);
    if (status) query.andWhere("s.status = :status", { status });
    if (kind) query.andWhere("s.kind = :kind", { kind });
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(s.created_at, s.id) < (:createdAt, :id)", { createdAt, id });
    }
    const rows = await query.getMany();
    return toConnection(rows, first, (s) => [s.createdAt.toISOString(), s.id], Boolean(after));
  }

  @Authorized(...Can.read)
  @Query(() => SegmentPreview, { description: "How many profiles a rule selects now, with a sample; nothing is saved" })
  async segmentPreview(
    @Arg("condition", () => SegmentConditionInput) condition: SegmentConditionInput,
    @Arg("sample", () => Int, { defaultValue: 10 }) sample: number,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentPreview> {
    return this.service.preview(ctx.scope, condition, Math.max(0, Math.min(sample, 100)), this.clock.now());
  }

  @Authorized(...Can.edit)
  @Mutation(() => SegmentPayload, { description: "Creates a rule segment and computes its members; warns when it is tiny or a near-duplicate" })
  async createSegment(@Arg("input") input: CreateSegmentInput, @Ctx() ctx: RequestContext): Promise<SegmentPayload> {
    return this.service.create(ctx.scope, input);
  }

  @Authorized(...Can.edit)
  @Mutation(() => SegmentPayload, { description: "Changes a segment; a new rule is a new version and recomputes members" })
  async updateSegment(@Arg("input") input: UpdateSegmentInput, @Ctx() ctx: RequestContext): Promise<SegmentPayload> {
    return this.service.update(ctx.scope, input);
  }

  @Authorized(...Can.edit)
  @Mutation(() => SegmentPayload, { description: "Archives a segment: it stops updating and cannot be referenced" })
  async archiveSegment(@Arg("input") input: SegmentIdInput, @Ctx() ctx: RequestContext): Promise<SegmentPayload> {
    return { segment: await this.service.archive(ctx.scope, input.id), warnings: [] };
  }

  @Authorized(...Can.edit)
  @Mutation(() => RecomputeSegmentPayload, { description: "Rebuilds a rule segment's members in one set-based pass" })
  async recomputeSegment(@Arg("input") input: SegmentIdInput, @Ctx() ctx: RequestContext): Promise<RecomputeSegmentPayload> {
    assertUuid(input.id, "input.id");
    const segment = await ctx.scope.get(Segment, { id: input.id }, "Segment", input.id);
    if (segment.kind !== SegmentKind.RULE || segment.status !== SegmentStatus.ACTIVE) throw UserInputError.single("input.id", "only active rule segments are recomputed; re-run the job for ML segments");
    const { entered, exited } = await this.memberships.recompute(ctx.scope.workspaceId, input.id);
    return { segment: await ctx.scope.get(Segment, { id: input.id }, "Segment", input.id), entered, exited };
  }
}
