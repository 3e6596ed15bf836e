import { MigrationInterface, QueryRunner } from "typeorm";

export class EncryptedIdentifiers1795407631953 implements MigrationInterface {
    name = 'EncryptedIdentifiers1795407631953'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profile_identifiers" ADD "value_encrypted" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profile_identifiers" DROP COLUMN "value_encrypted"`);
    }

}
