import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

/** Purposes personal data is used for; each has its own consent. */
export enum ConsentPurpose {
  EMAIL_MARKETING = "email_marketing",
  PERSONALIZATION = "personalization",
  PROFILING = "profiling",
  ANALYTICS = "analytics",
}

/** A consent decision. */
export enum ConsentStatus {
  GRANTED = "GRANTED",
  DENIED = "DENIED",
  REVOKED = "REVOKED",
}

registerEnumType(ConsentPurpose, { name: "ConsentPurpose" });
registerEnumType(ConsentStatus, { name: "ConsentStatus" });

/** The current consent of one profile for one purpose. */
@ObjectType()
@Entity("consents")
export class Consent {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @Field(() => ID)
  @PrimaryColumn({ type: "uuid" })
  profileId!: string;

  @Field(() => ConsentPurpose)
  @PrimaryColumn({ type: "text" })
  purpose!: ConsentPurpose;

  @Field(() => ConsentStatus)
  @Column({ type: "text" })
  status!: ConsentStatus;

  @Field(() => String, { nullable: true, description: "Where the decision came from (form, ESP, import, merge)" })
  @Column({ type: "text", nullable: true })
  source!: string | null;

  @Field(() => String, { nullable: true, description: "consent, contract, legitimate_interest, …" })
  @Column({ type: "text", nullable: true })
  legalBasis!: string | null;

  @Field({ description: "When the person made the decision" })
  @Column({ type: "timestamptz" })
  occurredAt!: Date;

  @Field({ description: "When Kindred recorded it" })
  @Column({ type: "timestamptz", default: () => "now()" })
  recordedAt!: Date;
}

/** One entry of a profile's consent history (append-only). */
@ObjectType()
@Entity("consent_records")
@Index(["workspaceId", "profileId", "recordedAt"])
export class ConsentRecord {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  profileId!: string;

  @Field(() => ConsentPurpose)
  @Column({ type: "text" })
  purpose!: ConsentPurpose;

  @Field(() => ConsentStatus)
  @Column({ type: "text" })
  status!: ConsentStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  source!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  legalBasis!: string | null;

  @Field()
  @Column({ type: "timestamptz" })
  occurredAt!: Date;

  @Field()
  @Column({ type: "timestamptz", default: () => "now()" })
  recordedAt!: Date;
}
