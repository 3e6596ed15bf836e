import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from "typeorm";

/** The stored, sticky arm of one profile in one experiment (`holdout` for the holdout group). */
@Entity("experiment_assignments")
@Index(["workspaceId", "profileId"])
export class ExperimentAssignment {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @PrimaryColumn({ type: "uuid" })
  experimentId!: string;

  @PrimaryColumn({ type: "uuid" })
  profileId!: string;

  @Column({ type: "text" })
  variantKey!: string;

  @CreateDateColumn({ type: "timestamptz" })
  assignedAt!: Date;
}
