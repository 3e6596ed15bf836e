import { Field, Float, ID, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A stored behavioural, transactional or engagement event. `messageId` is the sender's
 * idempotency key (unique per workspace); `itemIds` and `revenue` are extracted from the
 * properties at ingestion so segments and recommenders can use them without parsing JSON.
 */
@ObjectType("Event")
@Entity("events")
@Index(["workspaceId", "messageId"], { unique: true })
@Index(["workspaceId", "profileId", "occurredAt"])
@Index(["workspaceId", "type", "occurredAt"])
export class StoredEvent {
  /** Time-ordered (UUID version 7, from the database): inserts append to the primary-key index. */
  @Field(() => ID)
  @PrimaryColumn({ type: "uuid", default: () => "kindred_uuid_v7()" })
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @Column({ type: "text" })
  messageId!: string;

  @Field()
  @Column({ type: "text" })
  type!: string;

  @Field()
  @Column({ type: "timestamptz" })
  occurredAt!: Date;

  @Field()
  @Column({ type: "timestamptz", default: () => "now()" })
  receivedAt!: Date;

  @Column({ type: "uuid" })
  profileId!: string;

  @Field(() => GraphQLJSONObject)
  @Column({ type: "jsonb", default: {} })
  properties!: Record<string, unknown>;

  @Field(() => GraphQLJSONObject)
  @Column({ type: "jsonb", default: {} })
  context!: Record<string, unknown>;

  @Field(() => [String], { description: "Catalog item ids this event refers to" })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  itemIds!: string[];

  @Field(() => Float, { nullable: true, description: "Revenue (purchase positive, refund negative)" })
  @Column({ type: "numeric", precision: 14, scale: 4, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  revenue!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  currency!: string | null;
}
