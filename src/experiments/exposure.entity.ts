import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** One recipient of one campaign: what they were shown (experiment, arm, template version) and when. */
@Entity("experiment_exposures")
@Index(["workspaceId", "experimentId"])
@Index(["workspaceId", "profileId"])
export class Exposure {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @PrimaryColumn({ type: "uuid" })
  campaignId!: string;

  @PrimaryColumn({ type: "uuid" })
  profileId!: string;

  @Column({ type: "uuid", nullable: true })
  experimentId!: string | null;

  @Column({ type: "text", nullable: true })
  variantKey!: string | null;

  @Column({ type: "text" })
  templateVersion!: string;

  @Column({ type: "timestamptz", default: () => "now()" })
  exposedAt!: Date;
}
