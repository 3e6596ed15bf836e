import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Profile } from "../profiles/profile.entity";
import { Segment } from "./segment.entity";

/** A warning about a saved segment (it is saved anyway). */
@ObjectType()
export class SegmentWarning {
  @Field() code!: string;
  @Field() message!: string;
  @Field(() => ID, { nullable: true }) segmentId?: string | null;
}

@ObjectType()
export class SegmentPayload {
  @Field(() => Segment) segment!: Segment;
  @Field(() => [SegmentWarning]) warnings!: SegmentWarning[];
}

@ObjectType()
export class RecomputeSegmentPayload {
  @Field(() => Segment) segment!: Segment;
  @Field(() => Int) entered!: number;
  @Field(() => Int) exited!: number;
}

@ObjectType()
export class SegmentPreview {
  @Field(() => Int) count!: number;
  @Field(() => [Profile], { description: "Up to `sample` matching profiles" }) sample!: Profile[];
}

/** A profile currently in a segment. */
@ObjectType()
export class SegmentMember {
  @Field(() => ID) profileId!: string;
  @Field() enteredAt!: Date;
  @Field(() => Profile, { nullable: true }) profile?: Profile | null;
}

export enum MembershipChangeKind {
  ENTERED = "ENTERED",
  EXITED = "EXITED",
}
registerEnumType(MembershipChangeKind, { name: "MembershipChangeKind" });

@ObjectType()
export class SegmentMembershipChange {
  @Field(() => ID) segmentId!: string;
  @Field(() => ID) profileId!: string;
  @Field(() => MembershipChangeKind) change!: MembershipChangeKind;
  @Field() at!: Date;
  @Field(() => ID, { nullable: true, description: "The event that caused the change, when there was one" }) eventId!: string | null;
}

@ObjectType()
export class SegmentSizeChange {
  @Field(() => ID) segmentId!: string;
  @Field(() => Int) size!: number;
  @Field() at!: Date;
}

@ObjectType()
export class JobStartedPayload {
  @Field(() => ID) jobId!: string;
}
