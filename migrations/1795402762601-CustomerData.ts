import { MigrationInterface, QueryRunner } from "typeorm";

export class CustomerData1795402762601 implements MigrationInterface {
    name = 'CustomerData1795402762601'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "profile_merges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "from_profile_id" uuid NOT NULL, "into_profile_id" uuid NOT NULL, "merged_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_42595e5bfc2f623705d1be98b14" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_af8554cafc2c69f42210f41d42" ON "profile_merges"  ("workspace_id", "into_profile_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_5ed2660e767f26cc976fdd8936" ON "profile_merges"  ("workspace_id", "from_profile_id") `);
        await queryRunner.query(`CREATE TABLE "trait_definitions" ("workspace_id" uuid NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "description" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6f5d9c3b05ac72f6ea21da11f83" PRIMARY KEY ("workspace_id", "name"))`);
        await queryRunner.query(`CREATE TABLE "consents" ("workspace_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "purpose" text NOT NULL, "status" text NOT NULL, "source" text, "legal_basis" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0613a3f6350b879fa73033db2db" PRIMARY KEY ("workspace_id", "profile_id", "purpose"))`);
        await queryRunner.query(`CREATE TABLE "consent_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "purpose" text NOT NULL, "status" text NOT NULL, "source" text, "legal_basis" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_030be152eaa44998166470b2ccc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_a91e19185dc1b249f794ca9da5" ON "consent_records"  ("workspace_id", "profile_id", "recorded_at") `);
        await queryRunner.query(`CREATE TABLE "event_types" ("workspace_id" uuid NOT NULL, "name" text NOT NULL, "description" text, "properties" jsonb NOT NULL DEFAULT '{}', "behavioral" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5196f5d56ad8116755d7a21697d" PRIMARY KEY ("workspace_id", "name"))`);
        await queryRunner.query(`CREATE TABLE "rejected_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "message_id" text, "type" text, "reasons" jsonb NOT NULL, "codes" text array NOT NULL DEFAULT '{}', "payload" jsonb NOT NULL, "source" text NOT NULL DEFAULT 'api', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7dae09a15217b220a3692ad1bfe" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_f1d956e5d445b574b19a40b2cd" ON "rejected_events"  ("workspace_id", "received_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_f1d956e5d445b574b19a40b2cd"`);
        await queryRunner.query(`DROP TABLE "rejected_events"`);
        await queryRunner.query(`DROP TABLE "event_types"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a91e19185dc1b249f794ca9da5"`);
        await queryRunner.query(`DROP TABLE "consent_records"`);
        await queryRunner.query(`DROP TABLE "consents"`);
        await queryRunner.query(`DROP TABLE "trait_definitions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_5ed2660e767f26cc976fdd8936"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_af8554cafc2c69f42210f41d42"`);
        await queryRunner.query(`DROP TABLE "profile_merges"`);
    }

}
