import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A tenant: every piece of customer data belongs to exactly one workspace. */
@ObjectType()
@Entity("workspaces")
export class Workspace {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field()
  @Column({ type: "text", unique: true })
  name!: string;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
