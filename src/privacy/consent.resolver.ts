import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Resolver, Root } from "type-graphql";
import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from "class-validator";
import type { RequestContext } from "../common/context";
import { assertUuid } from "../common/validation";
import { Profile } from "../profiles/profile.entity";
import { Can } from "../workspaces/role";
import { Consent, ConsentPurpose, ConsentRecord, ConsentStatus } from "./consent.entity";
import type { ConsentService } from "./consent.service";

@InputType()
class ConsentDecisionInput {
  @Field(() => ConsentPurpose) purpose!: ConsentPurpose;
  @Field(() => ConsentStatus) status!: ConsentStatus;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) source?: string | null;
  @Field(() => String, { nullable: true, description: "consent, contract, legitimate_interest, …" }) @IsOptional() @MaxLength(100) legalBasis?: string | null;
  @Field(() => Date, { nullable: true, description: "When the person decided (default: now)" }) occurredAt?: Date | null;
}

@InputType()
class SetConsentInput {
  @Field(() => ID) profileId!: string;
  @Field(() => [ConsentDecisionInput]) @ArrayMinSize(1) @ArrayMaxSize(4) decisions!: ConsentDecisionInput[];
}

@ObjectType()
class SetConsentPayload {
  @Field(() => ID) profileId!: string;
  @Field(() => [Consent]) consents!: Consent[];
}

@Resolver(() => Profile)
export class ConsentResolver {
  constructor(private readonly consent: ConsentService) {}

  @Authorized(...Can.ingest)
  @Mutation(() => SetConsentPayload, { description: "Records consent decisions (per purpose) for a profile, keeping history" })
  async setConsent(@Arg("input") input: SetConsentInput, @Ctx() ctx: RequestContext): Promise<SetConsentPayload> {
    assertUuid(input.profileId, "input.profileId");
    const consents = await this.consent.set(ctx.scope.workspaceId, input.profileId, input.decisions);
    return { profileId: consents[0]?.profileId ?? input.profileId, consents };
  }

  @Authorized(...Can.read)
  @FieldResolver(() => [Consent], { description: "Current consent per purpose (purposes without a decision use the documented defaults)" })
  consents(@Root() profile: Profile, @Ctx() ctx: RequestContext): Promise<Consent[]> {
    return this.consent.current(ctx.scope.workspaceId, profile.id);
  }

  @Authorized(...Can.read)
  @FieldResolver(() => [ConsentRecord], { description: "Every consent decision, newest first" })
  consentHistory(@Root() profile: Profile, @Arg("purpose", () => ConsentPurpose, { nullable: true }) purpose: ConsentPurpose | null, @Ctx() ctx: RequestContext): Promise<ConsentRecord[]> {
    return this.consent.history(ctx.scope.workspaceId, profile.id, purpose);
  }
}
