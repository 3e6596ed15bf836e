import { MigrationInterface, QueryRunner } from "typeorm";

export class DataRights1795403438408 implements MigrationInterface {
    name = 'DataRights1795403438408'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "erased_identifiers" ("workspace_id" uuid NOT NULL, "token" text NOT NULL, "erased_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_374bffad7d187436452fe033f3b" PRIMARY KEY ("workspace_id", "token"))`);
        await queryRunner.query(`CREATE TABLE "retention_policies" ("workspace_id" uuid NOT NULL, "event_type" text NOT NULL, "max_age_days" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e5157d08650484317f05ccfd4e7" PRIMARY KEY ("workspace_id", "event_type"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "retention_policies"`);
        await queryRunner.query(`DROP TABLE "erased_identifiers"`);
    }

}
