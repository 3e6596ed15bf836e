import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** A recorded merge: `fromProfileId` now resolves to `intoProfileId`. */
@ObjectType()
@Entity("profile_merges")
@Index(["workspaceId", "fromProfileId"])
@Index(["workspaceId", "intoProfileId"])
export class ProfileMerge {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  fromProfileId!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  intoProfileId!: string;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  mergedAt!: Date;
}
