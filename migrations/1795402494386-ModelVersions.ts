import { MigrationInterface, QueryRunner } from "typeorm";

export class ModelVersions1795402494386 implements MigrationInterface {
    name = 'ModelVersions1795402494386'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "model_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "kind" text NOT NULL, "version" integer NOT NULL, "status" text NOT NULL, "source" text NOT NULL, "params" jsonb NOT NULL DEFAULT '{}', "training_window_start" TIMESTAMP WITH TIME ZONE, "training_window_end" TIMESTAMP WITH TIME ZONE, "data_counts" jsonb NOT NULL DEFAULT '{}', "metrics" jsonb NOT NULL DEFAULT '{}', "signature" jsonb NOT NULL DEFAULT '{}', "feature_mapping" jsonb, "artifact" bytea NOT NULL, "sha256" text NOT NULL, "size_bytes" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "activated_at" TIMESTAMP WITH TIME ZONE, "activated_by" text, "retired_at" TIMESTAMP WITH TIME ZONE, "previous_version_id" uuid, "job_id" uuid, CONSTRAINT "PK_77c0256872dcc26394dba4b87ec" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_model_versions_active" ON "model_versions"  ("workspace_id", "kind") WHERE "status" = 'active'`);
        await queryRunner.query(`CREATE INDEX "IDX_212cee5164a339736ac746924d" ON "model_versions"  ("workspace_id", "kind", "created_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_212cee5164a339736ac746924d"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_model_versions_active"`);
        await queryRunner.query(`DROP TABLE "model_versions"`);
    }

}
