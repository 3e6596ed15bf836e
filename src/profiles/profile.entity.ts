import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

/**
 * One person in a workspace. `traits` holds identify()/custom traits, `computed` the traits
 * Kindred derives from events (RFM, engagement, affinities, …). A merged profile keeps its row
 * with `mergedIntoId` pointing at the survivor, so old ids still resolve.
 */
@ObjectType()
@Entity("profiles")
@Index(["workspaceId", "updatedAt"])
@Index(["workspaceId", "mergedIntoId"])
export class Profile {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field(() => GraphQLJSONObject, { description: "Traits sent with identify() and custom traits" })
  @Column({ type: "jsonb", default: {} })
  traits!: Record<string, unknown>;

  @Column({ type: "jsonb", default: {} })
  computed!: Record<string, unknown>;

  /** The incremental state computed traits are folded from (`trait-state-codec`); read only by folding. */
  @Column({ type: "bytea", nullable: true, select: false })
  traitState!: Buffer | null;

  @Field({ description: "True once the profile has a known identifier (userId or email)" })
  @Column({ type: "boolean", default: false })
  known!: boolean;

  @Column({ type: "uuid", nullable: true })
  mergedIntoId!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  firstSeenAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  lastSeenAt!: Date | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
