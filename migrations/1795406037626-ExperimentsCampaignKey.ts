import { MigrationInterface, QueryRunner } from "typeorm";

export class ExperimentsCampaignKey1795406037626 implements MigrationInterface {
    name = 'ExperimentsCampaignKey1795406037626'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "campaigns" ADD "key" text`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_2887019587deb1ae6dbfebaf76" ON "campaigns"  ("workspace_id", "key") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_2887019587deb1ae6dbfebaf76"`);
        await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "key"`);
    }

}
