import { Field, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from "typeorm";

/** An identifier of a profile (type + value), unique per workspace: user_id, email, anonymous_id, device_id, … */
@ObjectType()
@Entity("profile_identifiers")
@Index(["workspaceId", "profileId"])
export class ProfileIdentifier {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @PrimaryColumn({ type: "text" })
  type!: string;

  @Field()
  @PrimaryColumn({ type: "text" })
  value!: string;

  @Column({ type: "uuid" })
  profileId!: string;

  /** AES-256-GCM ciphertext for sensitive types (email, phone), whose `value` is then a blind index. */
  @Column({ type: "text", nullable: true })
  valueEncrypted!: string | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
