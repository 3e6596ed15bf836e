import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { ArrayMaxSize, IsOptional, MaxLength } from "class-validator";
import type { RequestContext } from "../common/context";
import type { Payload } from "../common/bus";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { assertUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import { Profile } from "./profile.entity";
import { ProfileIdentifier } from "./profile-identifier.entity";
import { TraitDefinition } from "./trait-definition.entity";
import type { ProfileService } from "./profile.service";
import type { TraitDefinitionsService } from "./trait-definitions.service";


const ProfileConnection = ConnectionType(Profile);

@InputType()
class IdentifyInput {
  @Field(() => GraphQLJSONObject, { description: "Identifier type → value, e.g. { user_id: \"42\", email: \"a@b.c\", anonymous_id: \"…\" }" }) identifiers!: Record<string, string>;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Traits to set; null values are ignored" }) @IsOptional() traits?: Record<string, unknown> | null;
}

@ObjectType()
class IdentifyPayload {
  @Field(() => Profile) profile!: Profile;
}

@InputType()
class TraitDefinitionInput {
  @Field() @MaxLength(64) name!: string;
  @Field({ description: "string, number, boolean, date, list or object" }) type!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) description?: string | null;
}

@InputType()
class DefineTraitsInput {
  @Field(() => [TraitDefinitionInput]) @ArrayMaxSize(200) traits!: TraitDefinitionInput[];
}

@ObjectType()
class DefineTraitsPayload {
  @Field(() => [TraitDefinition]) traits!: TraitDefinition[];
}

@InputType()
class ProfileFilter {
  @Field(() => Boolean, { nullable: true }) known?: boolean | null;
  @Field(() => Date, { nullable: true, description: "Only profiles seen at or after" }) seenSince?: Date | null;
  @Field(() => String, { nullable: true, description: "Only profiles having this trait (any value)" }) @IsOptional() @MaxLength(64) hasTrait?: string | null;
}

/** A live update of a profile (events, traits, computed traits, consent or a merge). */
@ObjectType()
class ProfileUpdate {
  @Field(() => ID) profileId!: string;
  @Field(() => [String]) changed!: string[];
  @Field(() => ID, { nullable: true, description: "For merges: the profile absorbed into this one" }) mergedProfileId!: string | null;
}

@Resolver(() => Profile)
export class ProfileResolver {
  constructor(
    private readonly service: ProfileService,
    private readonly traits: TraitDefinitionsService,
  ) {}

  @Authorized(...Can.read)
  @Query(() => Profile, { nullable: true, description: "A profile by id (a merged id answers with its survivor)" })
  async profile(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Profile | null> {
    assertUuid(id, "id");
    return this.service.get(ctx.scope.workspaceId, id);
  }

  @Authorized(...Can.read)
  @Query(() => Profile, { nullable: true, description: "The profile holding an identifier (type: user_id, email, anonymous_id, device_id, …)" })
  profileByIdentifier(@Arg("type") type: string, @Arg("value") value: string, @Ctx() ctx: RequestContext): Promise<Profile | null> {
    return this.service.findByIdentifier(ctx.scope.workspaceId, type, value);
  }

  @Authorized(...Can.read)
  @Query(() => ProfileConnection, { description: "Live (unmerged) profiles, most recently updated first" })
  async profiles(@Args() { first, after }: PageArgs, @Arg("filter", () => ProfileFilter, { nullable: true }) filter: ProfileFilter | null, @Ctx() ctx: RequestContext): Promise<Connection<Profile>> {
    const q = ctx.scope.query(Profile, "p").andWhere("p.merged_into_id IS NULL").orderBy("p.updated_at", "DESC").addOrderBy("p.id", "DESC").take(first + 1);
    if (filter?.known !== undefined && filter?.known !== null) q.andWhere("p.known = :known", { known: filter.known });
    if (filter?.seenSince) q.andWhere("p.last_seen_at >= :since", { since: filter.seenSince });
    if (filter?.hasTrait) q.andWhere("p.traits ? :trait", { trait: filter.hasTrait });
    if (after) {
      const [updatedAt, id] = decodeCursor(after, 2);
      q.andWhere("(p.updated_at, p.id) < (:updatedAt, :id)", { updatedAt, id });
    }
    return toConnection(await q.getMany(), first, (p) => [p.updatedAt.toISOString(), p.id], Boolean(after));
  }

  @Authorized(...Can.read)
  @Query(() => [TraitDefinition], { description: "Declared custom trait types of this workspace" })
  traitDefinitions(@Ctx() ctx: RequestContext): Promise<TraitDefinition[]> {
    return this.traits.list(ctx.scope.workspaceId);
  }

  @Authorized(...Can.ingest)
  @Mutation(() => IdentifyPayload, { description: "Attaches identifiers and traits to one person; merges profiles the identifiers link" })
  async identify(@Arg("input") input: IdentifyInput, @Ctx() ctx: RequestContext): Promise<IdentifyPayload> {
    return { profile: await this.service.identify(ctx.scope.workspaceId, input.identifiers, input.traits ?? {}) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => DefineTraitsPayload, { description: "Declares custom trait types (identify checks traits against them)" })
  async defineTraits(@Arg("input") input: DefineTraitsInput, @Ctx() ctx: RequestContext): Promise<DefineTraitsPayload> {
    return { traits: await this.traits.define(ctx.scope.workspaceId, input.traits) };
  }

  @FieldResolver(() => GraphQLJSONObject, { description: "Computed traits (see README: computed traits)" })
  computed(@Root() profile: Profile): Record<string, unknown> {
    return profile.computed ?? {};
  }

  @FieldResolver(() => [ProfileIdentifier])
  identifiers(@Root() profile: Profile, @Ctx() ctx: RequestContext): Promise<ProfileIdentifier[]> {
    return ctx.loaders
      .get<string, ProfileIdentifier[]>("profile.identifiers", async (ids) => {
        const stored = await ctx.scope.query(ProfileIdentifier, "i").andWhere("i.profile_id = ANY(:ids::uuid[])", { ids: [...ids] }).orderBy("i.type").addOrderBy("i.value").getMany();
        const rows = stored.map((r) => Object.assign(r, { value: this.service.revealIdentifier(r.workspaceId, r.type, r.value, r.valueEncrypted) }));
        return ids.map((id) => rows.filter((r) => r.profileId === id));
      })
      .load(profile.id);
  }

  @Authorized(...Can.read)
  @Subscription(() => ProfileUpdate, {
    topics: "profile.changed",
    filter: ({ payload, args, context }: { payload: Payload<"profile.changed">; args: { profileId: string }; context: RequestContext }) =>
      payload.workspaceId === context.auth?.workspaceId && (payload.profileId === args.profileId || payload.mergedProfileId === args.profileId),
    description: "Changes of one profile (delivered across instances); a merge into another profile is announced too",
  })
  profileUpdated(@Root() payload: Payload<"profile.changed">, @Arg("profileId", () => ID) _profileId: string): ProfileUpdate {
    return { profileId: payload.profileId, changed: payload.changed, mergedProfileId: payload.mergedProfileId ?? null };
  }
}
