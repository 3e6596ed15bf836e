import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * What remains of an erased person: a keyed hash (HMAC, purpose "erasure") of each identifier,
 * so later events naming them do not re-create a profile unless the person consents again.
 */
@Entity("erased_identifiers")
export class ErasedIdentifier {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @PrimaryColumn({ type: "text" })
  token!: string;

  @Column({ type: "timestamptz" })
  erasedAt!: Date;
}

/** How long events of one type (or `*`: every type without its own policy) are kept in a workspace. */
@ObjectType()
@Entity("retention_policies")
export class RetentionPolicy {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @Field({ description: "Event type, or * for every type without its own policy" })
  @PrimaryColumn({ type: "text" })
  eventType!: string;

  @Field(() => Int, { description: "Events older than this many days are purged" })
  @Column({ type: "int" })
  maxAgeDays!: number;

  @Field()
  @Column({ type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
