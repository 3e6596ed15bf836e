import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** One reason an event was rejected (or flagged): field path, message and a stable reason code. */
@ObjectType()
export class EventProblem {
  @Field({ description: "Field path inside the event, e.g. properties.lineItems[2].price" }) path!: string;
  @Field() message!: string;
  @Field({ description: "Stable reason code, e.g. missing_identifier, timestamp_in_future" }) code!: string;
}

/** An event kept in quarantine with every reason it was rejected, so data problems stay visible. */
@ObjectType()
@Entity("rejected_events")
@Index(["workspaceId", "receivedAt"])
export class RejectedEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  messageId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  type!: string | null;

  @Field(() => [EventProblem])
  @Column({ type: "jsonb" })
  reasons!: EventProblem[];

  @Field(() => [String], { description: "Reason codes, for filtering" })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  codes!: string[];

  @Field(() => GraphQLJSONObject, { description: "The event as it was sent" })
  @Column({ type: "jsonb" })
  payload!: Record<string, unknown>;

  @Field({ description: "api or import" })
  @Column({ type: "text", default: "api" })
  source!: string;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  receivedAt!: Date;
}
