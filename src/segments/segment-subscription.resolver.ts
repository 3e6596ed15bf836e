import { Arg, Authorized, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from "type-graphql";
import { Profile } from "../profiles/profile.entity";
import type { Payload } from "../common/bus";
import type { RequestContext } from "../common/context";
import { Can } from "../workspaces/role";
import { MembershipChangeKind, SegmentMembershipChange, SegmentSizeChange } from "./segment.types";

type Filter<T extends "segment.membershipChanged" | "segment.sizeChanged", A> = { payload: Payload<T>; args: A; context: RequestContext };

/** Live membership and size changes for dashboards (every instance delivers, via the bus's NOTIFY bridge). */
@Resolver()
export class SegmentSubscriptionResolver {
  @Authorized(...Can.read)
  @Subscription(() => SegmentMembershipChange, {
    topics: "segment.membershipChanged",
    filter: ({ payload, args, context }: Filter<"segment.membershipChanged", { segmentId: string }>) => payload.segmentId === args.segmentId && payload.workspaceId === context.auth?.workspaceId,
    description: "Profiles entering or leaving one segment, as it happens",
  })
  segmentMembershipChanged(@Root() payload: Payload<"segment.membershipChanged">, @Arg("segmentId", () => ID) _segmentId: string): SegmentMembershipChange {
    return {
      segmentId: payload.segmentId,
      profileId: payload.profileId,
      change: payload.entered ? MembershipChangeKind.ENTERED : MembershipChangeKind.EXITED,
      at: new Date(payload.at),
      eventId: payload.eventId,
    };
  }

  @Authorized(...Can.read)
  @Subscription(() => SegmentSizeChange, {
    topics: "segment.sizeChanged",
    filter: ({ payload, args, context }: Filter<"segment.sizeChanged", { segmentIds: string[] }>) => args.segmentIds.includes(payload.segmentId) && payload.workspaceId === context.auth?.workspaceId,
    description: "New sizes of the given segments whenever they change",
  })
  segmentSizeChanged(@Root() payload: Payload<"segment.sizeChanged">, @Arg("segmentIds", () => [ID]) _segmentIds: string[]): SegmentSizeChange {
    return { segmentId: payload.segmentId, size: payload.size, at: new Date(payload.at) };
  }
}

/** The profile of a membership change, read in the subscriber's workspace. */
@Resolver(() => SegmentMembershipChange)
export class SegmentMembershipChangeResolver {
  @Authorized(...Can.read)
  @FieldResolver(() => Profile, { nullable: true })
  profile(@Root() change: SegmentMembershipChange, @Ctx() ctx: RequestContext): Promise<Profile | null> {
    return ctx.scope.findOne(Profile, { id: change.profileId });
  }
}
