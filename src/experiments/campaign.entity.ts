import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** A send: groups the renders of one mailing, and says how its outcomes are attributed. */
@ObjectType()
@Entity("campaigns")
@Index(["workspaceId", "createdAt"])
@Index(["workspaceId", "key"], { unique: true })
export class Campaign {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true, description: "The caller's name for the campaign (e.g. the campaignId given to render), when not a UUID" })
  @Column({ type: "text", nullable: true })
  key!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  templateId!: string | null;

  @Field(() => Int, { description: "Opens, clicks and purchases count when they happen within this many hours of the send" })
  @Column({ type: "int", default: 72 })
  attributionWindowHours!: number;

  @Field(() => Int, { description: "Opens this soon after delivery are treated as machine (prefetch) opens" })
  @Column({ type: "int", default: 2 })
  machineOpenSeconds!: number;

  @Field({ description: "Count machine opens as opens (off by default)" })
  @Column({ type: "boolean", default: false })
  includeMachineOpens!: boolean;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
