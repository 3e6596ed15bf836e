import { MigrationInterface, QueryRunner } from "typeorm";
import { decodeState, encodeState } from "../src/profiles/trait-state-codec";
import { decodeJsonState, encodeJsonState } from "../src/profiles/trait-state-json";

/**
 * The computed-trait state moves out of `computed._state` (a JSON string inside the jsonb every
 * batch rewrites and every reader fetches) into its own `trait_state` column, in the compact
 * binary form of `trait-state-codec` (version 4). Existing states are converted in batches.
 */
export class ProfilesTraitState1795450000000 implements MigrationInterface {
    name = 'ProfilesTraitState1795450000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profiles" ADD "trait_state" bytea`);
        let after = "00000000-0000-0000-0000-000000000000";
        for (;;) {
            const rows: { id: string; state: unknown }[] = await queryRunner.query(
                `SELECT id, computed->'_state' AS state FROM profiles WHERE computed ? '_state' AND id > $1 ORDER BY id LIMIT 1000`,
                [after],
            );
            if (!rows.length) break;
            const converted = rows.map((r) => {
                const state = decodeJsonState(r.state);
                return { id: r.id, s: state ? encodeState(state).toString("base64") : null };
            });
            await queryRunner.query(
                `UPDATE profiles p SET trait_state = decode(x.s, 'base64'), computed = p.computed - '_state'
                 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, s text) WHERE p.id = x.id`,
                [JSON.stringify(converted)],
            );
            after = rows[rows.length - 1].id;
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // States go back into computed._state, in the JSON form (version 3) the code before this migration reads.
        let after = "00000000-0000-0000-0000-000000000000";
        for (;;) {
            const rows: { id: string; state: Buffer }[] = await queryRunner.query(
                `SELECT id, trait_state AS state FROM profiles WHERE trait_state IS NOT NULL AND id > $1 ORDER BY id LIMIT 1000`,
                [after],
            );
            if (!rows.length) break;
            const converted = rows.map((r) => ({ id: r.id, s: encodeJsonState(decodeState(r.state)!) }));
            await queryRunner.query(
                `UPDATE profiles p SET computed = p.computed || jsonb_build_object('_state', x.s)
                 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, s text) WHERE p.id = x.id`,
                [JSON.stringify(converted)],
            );
            after = rows[rows.length - 1].id;
        }
        await queryRunner.query(`ALTER TABLE "profiles" DROP COLUMN "trait_state"`);
    }

}
