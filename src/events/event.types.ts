import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { IsOptional, MaxLength } from "class-validator";
import { ConnectionType } from "../common/pagination";
import { StoredEvent } from "./event.entity";
import { EventProblem, RejectedEvent } from "./rejected-event.entity";
import { EventTypeDefinition } from "./event-type.entity";

export enum EventStatusEnum {
  ACCEPTED = "ACCEPTED",
  DUPLICATE = "DUPLICATE",
  REJECTED = "REJECTED",
}
registerEnumType(EventStatusEnum, { name: "EventStatus", description: "ACCEPTED: stored now; DUPLICATE: stored before (same messageId); REJECTED: quarantined with reasons" });

/**
 * One event. Fields are deliberately loose (strings, JSON) so one bad event is reported in its
 * own result instead of failing the whole batch.
 */
@InputType()
export class EventInput {
  @Field(() => String, { nullable: true, description: "Idempotency key (required)" }) messageId?: string | null;
  @Field(() => String, { nullable: true, description: "Built-in (page_view, purchase, …) or a registered custom type (required)" }) type?: string | null;
  @Field(() => String, { nullable: true, description: "ISO 8601 date-time; default: when received" }) occurredAt?: string | null;
  @Field(() => String, { nullable: true }) userId?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) anonymousId?: string | null;
  @Field(() => String, { nullable: true }) deviceId?: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) properties?: Record<string, unknown> | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "deviceType, userAgent, country, region, city, timezone, locale, referrer, utm {source, medium, campaign, term, content}" }) context?: Record<string, unknown> | null;
}

/** The answer for one event of a batch. */
@ObjectType()
export class EventResultType {
  @Field(() => Int) index!: number;
  @Field(() => String, { nullable: true }) messageId!: string | null;
  @Field(() => EventStatusEnum) status!: EventStatusEnum;
  @Field(() => ID, { nullable: true }) eventId!: string | null;
  @Field(() => ID, { nullable: true }) profileId!: string | null;
  @Field(() => [EventProblem], { description: "Every reason a REJECTED event was refused" }) reasons!: EventProblem[];
  @Field(() => [EventProblem], { description: "Flags on stored events (unknown item ids, not stored for consent)" }) warnings!: EventProblem[];
}

@ObjectType()
export class TrackEventsPayload {
  @Field(() => [EventResultType]) results!: EventResultType[];
  @Field(() => Int) accepted!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => Int) rejected!: number;
}

@ObjectType()
export class RegisterEventTypePayload {
  @Field(() => EventTypeDefinition) eventType!: EventTypeDefinition;
}

@InputType()
export class RegisterEventTypeInput {
  @Field() @MaxLength(64) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) description?: string | null;
  @Field(() => GraphQLJSONObject, { description: "Property name → { type: string|number|boolean|date|list|object, required: Boolean }" }) properties!: Record<string, unknown>;
  @Field(() => Boolean, { nullable: true, description: "Dropped when analytics consent is denied (default true)" }) behavioral?: boolean | null;
}

@InputType()
export class RejectedEventFilter {
  @Field(() => String, { nullable: true, description: "Reason code, e.g. timestamp_in_future" }) @IsOptional() @MaxLength(64) reason?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) type?: string | null;
  @Field(() => String, { nullable: true, description: "api or import" }) @IsOptional() @MaxLength(20) source?: string | null;
  @Field(() => Date, { nullable: true }) since?: Date | null;
}

export const RejectedEventConnection = ConnectionType(RejectedEvent);
export const EventConnection = ConnectionType(StoredEvent, "Event");
