import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { IsOptional, Matches, Max, Min } from "class-validator";
import type { RequestContext } from "../common/context";
import { NotFoundError, ProblemCollector } from "../common/errors";
import { assertUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import type { DataRightsService, Requester } from "./data-rights.service";
import { RetentionPolicy } from "./privacy.entities";
import type { RetentionService } from "./retention.service";

/** Everything Kindred holds about one person, as one JSON document. */
@ObjectType()
export class ProfileDataExport {
  @Field(() => ID) profileId!: string;
  @Field() exportedAt!: Date;
  @Field(() => GraphQLJSONObject, { description: "format, profileIds, coverage (tables per hook) and data (per hook)" }) document!: Record<string, unknown>;
}

@InputType()
class EraseProfileInput {
  @Field(() => ID) profileId!: string;
}

@ObjectType()
class EraseProfilePayload {
  @Field(() => ID, { description: "The erasure job: follow it with job(id) or jobUpdated" }) jobId!: string;
  @Field(() => ID) profileId!: string;
}

@InputType()
class RestoreErasedIdentifiersInput {
  @Field(() => GraphQLJSONObject, { description: "Identifier type → value of a person who consented again, e.g. { email: \"a@b.c\" }" }) identifiers!: Record<string, string>;
}

@ObjectType()
class RestoreErasedIdentifiersPayload {
  @Field(() => Int, { description: "How many erased identifiers may now create a profile again" }) restored!: number;
}

@InputType()
class SetRetentionPolicyInput {
  @Field({ defaultValue: "*", description: "Event type, or * for every type without its own policy" })
  @Matches(/^(\*|[a-z][a-z0-9_.]{0,63})$/, { message: "must be * or an event type name" })
  eventType!: string;

  @Field(() => Int, { nullable: true, description: "Days to keep events; null removes the policy" })
  @IsOptional()
  @Min(1)
  @Max(36_500)
  maxAgeDays?: number | null;
}

@ObjectType()
class SetRetentionPolicyPayload {
  @Field(() => [RetentionPolicy], { description: "Every policy of the workspace after the change" }) policies!: RetentionPolicy[];
}

@ObjectType()
class PurgeExpiredEventsPayload {
  @Field(() => ID, { description: "The purge job: follow it with job(id)" }) jobId!: string;
}

/** Data-subject rights (export, erasure), retention policies and key rotation. */
@Resolver()
export class DataRightsResolver {
  constructor(
    private readonly rights: DataRightsService,
    private readonly retention: RetentionService,
    private readonly enqueue: (kind: string, workspaceId: string | null, params: unknown) => Promise<string>,
  ) {}

  @Authorized(...Can.administer)
  @Query(() => ProfileDataExport, { description: "Everything held about a person (profile, identifiers, traits, events, consent, memberships, exposures, …); audited" })
  async exportProfileData(@Arg("profileId", () => ID) profileId: string, @Ctx() ctx: RequestContext): Promise<ProfileDataExport> {
    assertUuid(profileId, "profileId");
    const document = await this.rights.export(ctx.scope.workspaceId, profileId);
    return { profileId: document.profileId as string, exportedAt: new Date(document.exportedAt as string), document };
  }

  @Authorized(...Can.administer)
  @Mutation(() => EraseProfilePayload, { description: "Erases a person and everything derived from them (as a job); keeps only keyed hashes of their identifiers" })
  async eraseProfile(@Arg("input") input: EraseProfileInput, @Ctx() ctx: RequestContext): Promise<EraseProfilePayload> {
    assertUuid(input.profileId, "input.profileId");
    const subject = await this.rights.findSubject(ctx.scope.workspaceId, input.profileId);
    if (!subject) throw new NotFoundError("Profile", input.profileId);
    const requester: Requester = { apiKeyId: ctx.auth!.apiKeyId, role: ctx.auth!.role, ip: ctx.ip, requestId: ctx.requestId };
    const jobId = await this.enqueue("privacy.erase", ctx.scope.workspaceId, { profileId: subject.profileIds[0], requester });
    return { jobId, profileId: subject.profileIds[0] };
  }

  @Authorized(...Can.administer)
  @Mutation(() => RestoreErasedIdentifiersPayload, { description: "Lets identifiers of an erased person create a profile again (they consented again)" })
  async restoreErasedIdentifiers(@Arg("input") input: RestoreErasedIdentifiersInput, @Ctx() ctx: RequestContext): Promise<RestoreErasedIdentifiersPayload> {
    const problems = new ProblemCollector();
    const entries = Object.entries(input.identifiers);
    if (!entries.length || entries.length > 20) problems.add("input.identifiers", "must name 1 to 20 identifiers");
    for (const [type, value] of entries) if (typeof value !== "string" || !value || value.length > 1000) problems.add(`input.identifiers.${type.slice(0, 64)}`, "must be a non-empty string of at most 1000 characters");
    problems.throwIfAny();
    return { restored: await this.rights.restore(ctx.scope.workspaceId, input.identifiers) };
  }

  @Authorized(...Can.read)
  @Query(() => [RetentionPolicy], { description: "Event retention policies of this workspace" })
  retentionPolicies(@Ctx() ctx: RequestContext): Promise<RetentionPolicy[]> {
    return this.retention.list(ctx.scope.workspaceId);
  }

  @Authorized(...Can.administer)
  @Mutation(() => SetRetentionPolicyPayload, { description: "Sets how long events of a type (or *) are kept; purged hourly, aggregates stay" })
  async setRetentionPolicy(@Arg("input") input: SetRetentionPolicyInput, @Ctx() ctx: RequestContext): Promise<SetRetentionPolicyPayload> {
    return { policies: await this.retention.set(ctx.scope.workspaceId, input.eventType, input.maxAgeDays ?? null) };
  }

  @Authorized(...Can.administer)
  @Mutation(() => PurgeExpiredEventsPayload, { description: "Purges this workspace's events older than its retention policies now (as a job)" })
  async purgeExpiredEvents(@Ctx() ctx: RequestContext): Promise<PurgeExpiredEventsPayload> {
    return { jobId: await this.enqueue("privacy.retention", ctx.scope.workspaceId, {}) };
  }
}
