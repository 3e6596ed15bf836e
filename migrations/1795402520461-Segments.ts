import { MigrationInterface, QueryRunner } from "typeorm";

export class Segments1795402520461 implements MigrationInterface {
    name = 'Segments1795402520461'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "segments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "key" text NOT NULL, "name" text NOT NULL, "description" text, "kind" text NOT NULL DEFAULT 'RULE', "status" text NOT NULL DEFAULT 'ACTIVE', "condition" jsonb, "version" integer NOT NULL DEFAULT '1', "member_count" integer NOT NULL DEFAULT '0', "dependencies" jsonb, "details" jsonb, "windows_checked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "archived_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_beff1eec19679fe8ad4f291f04e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_ff8861d78a2d9f3d3a79e98ec7" ON "segments"  ("workspace_id", "status") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_c5c9fd848637e75a927118208d" ON "segments"  ("workspace_id", "key") `);
        await queryRunner.query(`CREATE TABLE "segment_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "segment_id" uuid NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "condition" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1fe6d37f3ee28b9c5dd33a6cf06" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_587392aea587bd3cf9c9427dfb" ON "segment_versions"  ("workspace_id", "segment_id", "version") `);
        await queryRunner.query(`CREATE TABLE "segment_memberships" ("id" BIGSERIAL NOT NULL, "workspace_id" uuid NOT NULL, "segment_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "entered_at" TIMESTAMP WITH TIME ZONE NOT NULL, "exited_at" TIMESTAMP WITH TIME ZONE, "event_id" uuid, "exit_event_id" uuid, CONSTRAINT "PK_38321b49c9841f43c007f1abb56" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_segment_memberships_profile" ON "segment_memberships"  ("workspace_id", "profile_id") WHERE exited_at IS NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_segment_memberships_current" ON "segment_memberships"  ("workspace_id", "segment_id", "profile_id") WHERE exited_at IS NULL`);
        await queryRunner.query(`CREATE TABLE "segment_size_history" ("id" BIGSERIAL NOT NULL, "workspace_id" uuid NOT NULL, "segment_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "size" integer NOT NULL, CONSTRAINT "PK_b4a16e1c7f549bd1995fc3ed12f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4d0b6869b8551f8310003eaabd" ON "segment_size_history"  ("workspace_id", "segment_id", "at") `);
        // Hand-added: segment rules compare date traits stored as text; a malformed value must compare as missing, not fail the statement.
        await queryRunner.query(`CREATE OR REPLACE FUNCTION kindred_try_timestamptz(value text) RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF value IS NULL OR value !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN RETURN NULL; END IF;
  RETURN value::timestamptz;
EXCEPTION WHEN others THEN RETURN NULL;
END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS kindred_try_timestamptz(text)`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4d0b6869b8551f8310003eaabd"`);
        await queryRunner.query(`DROP TABLE "segment_size_history"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_segment_memberships_current"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_segment_memberships_profile"`);
        await queryRunner.query(`DROP TABLE "segment_memberships"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_587392aea587bd3cf9c9427dfb"`);
        await queryRunner.query(`DROP TABLE "segment_versions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_c5c9fd848637e75a927118208d"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_ff8861d78a2d9f3d3a79e98ec7"`);
        await queryRunner.query(`DROP TABLE "segments"`);
    }

}
