import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Role } from "./role";
import { Workspace } from "./workspace.entity";

/** An API key: only its hash is stored; the secret is shown once at creation. */
@ObjectType()
@Entity("api_keys")
@Index(["workspaceId", "createdAt"])
export class ApiKey {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: "CASCADE" })
  @JoinColumn({ name: "workspace_id" })
  workspace?: Workspace;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => Role)
  @Column({ type: "text" })
  role!: Role;

  @Field({ description: "Visible start of the key, e.g. kdr_1a2b3c4d" })
  @Column({ type: "text", unique: true })
  prefix!: string;

  @Column({ type: "text" })
  secretHash!: string;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  lastUsedAt!: Date | null;
}
