import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../common/context";
import { UserInputError } from "../common/errors";
import { PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { Profile } from "../profiles/profile.entity";
import { Can } from "../workspaces/role";
import { StoredEvent } from "./event.entity";
import { EventTypeDefinition } from "./event-type.entity";
import type { EventTypesService } from "./event-types.service";
import { EventConnection, EventInput, EventStatusEnum, RegisterEventTypeInput, RegisterEventTypePayload, RejectedEventConnection, RejectedEventFilter, TrackEventsPayload } from "./event.types";
import type { IngestionService } from "./ingestion.service";
import { RejectedEvent } from "./rejected-event.entity";

const skipValidation = async (): Promise<void> => undefined;

@Resolver(() => Profile)
export class EventResolver {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly types: EventTypesService,
    private readonly maxBatch: number,
  ) {}

  @Authorized(...Can.ingest)
  @Mutation(() => TrackEventsPayload, { description: "Ingests a batch of events; each gets ACCEPTED, DUPLICATE or REJECTED (with every reason)" })
  // EventInput carries no class-validator rules (events are validated one by one, so a bad one
  // cannot fail the batch): skip the per-instance validator walk over up to 1,000 inputs.
  async trackEvents(@Arg("events", () => [EventInput], { validateFn: skipValidation }) events: EventInput[], @Ctx() ctx: RequestContext): Promise<TrackEventsPayload> {
    if (events.length > this.maxBatch) throw UserInputError.single("events", `at most ${this.maxBatch} events per call, got ${events.length}`);
    const results = await this.ingestion.ingest(ctx.scope.workspaceId, events.map((e) => ({ ...e })));
    const n = (s: string) => results.filter((r) => r.status === s).length;
    return { results: results.map((r) => ({ ...r, status: r.status as EventStatusEnum })), accepted: n("ACCEPTED"), duplicates: n("DUPLICATE"), rejected: n("REJECTED") };
  }

  @Authorized(...Can.read)
  @Query(() => RejectedEventConnection, { description: "Quarantined events with their reasons, newest first" })
  async rejectedEvents(@Args() { first, after }: PageArgs, @Arg("filter", () => RejectedEventFilter, { nullable: true }) filter: RejectedEventFilter | null, @Ctx() ctx: RequestContext): Promise<Connection<RejectedEvent>> {
    const q = ctx.scope.query(RejectedEvent, "r").orderBy("r.received_at", "DESC").addOrderBy("r.id", "DESC").take(first + 1);
    if (filter?.reason) q.andWhere(":reason = ANY(r.codes)", { reason: filter.reason });
    if (filter?.type) q.andWhere("r.type = :type", { type: filter.type });
    if (filter?.source) q.andWhere("r.source = :source", { source: filter.source });
    if (filter?.since) q.andWhere("r.received_at >= :since", { since: filter.since });
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      q.andWhere("(r.received_at, r.id) < (:at, :id)", { at, id });
    }
    return toConnection(await q.getMany(), first, (r) => [r.receivedAt.toISOString(), r.id], Boolean(after));
  }

  @Authorized(...Can.read)
  @Query(() => [EventTypeDefinition], { description: "Custom event types of this workspace" })
  eventTypes(@Ctx() ctx: RequestContext): Promise<EventTypeDefinition[]> {
    return this.types.list(ctx.scope.workspaceId);
  }

  @Authorized(...Can.edit)
  @Mutation(() => RegisterEventTypePayload, { description: "Registers (or replaces) a custom event type with its property schema" })
  async registerEventType(@Arg("input") input: RegisterEventTypeInput, @Ctx() ctx: RequestContext): Promise<RegisterEventTypePayload> {
    return { eventType: await this.types.register(ctx.scope.workspaceId, input) };
  }

  @Authorized(...Can.read)
  @FieldResolver(() => EventConnection, { description: "This profile's events, newest first" })
  async events(
    @Root() profile: Profile,
    @Args() { first, after }: PageArgs,
    @Arg("types", () => [String], { nullable: true, description: "Only these event types" }) types: string[] | null,
    @Arg("since", () => Date, { nullable: true, description: "Only events at or after" }) since: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<StoredEvent>> {
    if ((types?.length ?? 0) > 50) throw UserInputError.single("types", "at most 50 types");
    const q = ctx.scope.query(StoredEvent, "e").andWhere("e.profile_id = :pid", { pid: profile.id }).orderBy("e.occurred_at", "DESC").addOrderBy("e.id", "DESC").take(first + 1);
    if (types?.length) q.andWhere("e.type = ANY(:types::text[])", { types });
    if (since) q.andWhere("e.occurred_at >= :since", { since });
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      q.andWhere("(e.occurred_at, e.id) < (:at, :id)", { at, id });
    }
    return toConnection(await q.getMany(), first, (e) => [e.occurredAt.toISOString(), e.id], Boolean(after));
  }
}
