import { MigrationInterface, QueryRunner } from "typeorm";

export class Experiments1795402759635 implements MigrationInterface {
    name = 'Experiments1795402759635'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "experiment_assignments" ("workspace_id" uuid NOT NULL, "experiment_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "variant_key" text NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_79c35bdf3c628a330546792514a" PRIMARY KEY ("workspace_id", "experiment_id", "profile_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_f5165f41b478c33c1163a70496" ON "experiment_assignments"  ("workspace_id", "profile_id") `);
        await queryRunner.query(`CREATE TABLE "experiments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "name" text NOT NULL, "description" text, "kind" text NOT NULL, "status" text NOT NULL DEFAULT 'DRAFT', "template_id" uuid NOT NULL, "campaign_id" uuid, "variants" jsonb NOT NULL, "factors" jsonb, "holdout_share" double precision NOT NULL DEFAULT '0', "primary_metric" text NOT NULL DEFAULT 'CLICK_RATE', "sequential" boolean NOT NULL DEFAULT true, "alpha" double precision NOT NULL DEFAULT '0.05', "version" integer NOT NULL DEFAULT '1', "winner_key" text, "started_at" TIMESTAMP WITH TIME ZONE, "stopped_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aafe1321d916fac58ba06ad8178" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_ee14b07f92d60ae013d0e3e2af" ON "experiments"  ("workspace_id", "template_id", "status") `);
        await queryRunner.query(`CREATE INDEX "IDX_d3027839ad81398eb23a8f317d" ON "experiments"  ("workspace_id", "status") `);
        await queryRunner.query(`CREATE TABLE "campaigns" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "name" text NOT NULL, "template_id" uuid, "attribution_window_hours" integer NOT NULL DEFAULT '72', "machine_open_seconds" integer NOT NULL DEFAULT '2', "include_machine_opens" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_831e3fcd4fc45b4e4c3f57a9ee4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_7b130b0f031b71dddd2d97ed91" ON "campaigns"  ("workspace_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "experiment_exposures" ("workspace_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "experiment_id" uuid, "variant_key" text, "template_version" text NOT NULL, "exposed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e3e642ad84dd2484aabcd591f80" PRIMARY KEY ("workspace_id", "campaign_id", "profile_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_d64da518c617a81b95c9a8b010" ON "experiment_exposures"  ("workspace_id", "profile_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_db0ddf8fca5a26d27a9e1c584e" ON "experiment_exposures"  ("workspace_id", "experiment_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_db0ddf8fca5a26d27a9e1c584e"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_d64da518c617a81b95c9a8b010"`);
        await queryRunner.query(`DROP TABLE "experiment_exposures"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_7b130b0f031b71dddd2d97ed91"`);
        await queryRunner.query(`DROP TABLE "campaigns"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_d3027839ad81398eb23a8f317d"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_ee14b07f92d60ae013d0e3e2af"`);
        await queryRunner.query(`DROP TABLE "experiments"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_f5165f41b478c33c1163a70496"`);
        await queryRunner.query(`DROP TABLE "experiment_assignments"`);
    }

}
