import { MigrationInterface, QueryRunner } from 'typeorm';

const STATE_CHECK = 'transfers_state_check';
const NEW_STATE = 'awaiting_approval';

/** The states the transfers' state check allows now, read from the database (other migrations add some too). */
async function allowedStates(queryRunner: QueryRunner): Promise<string[]> {
  const rows: Array<{ definition: string }> = await queryRunner.query(
    `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = 'transfers'::regclass AND conname = $1`,
    [STATE_CHECK],
  );
  if (rows.length !== 1) throw new Error(`constraint ${STATE_CHECK} not found on transfers`);
  return [...rows[0].definition.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
}

async function replaceStateCheck(queryRunner: QueryRunner, states: readonly string[]): Promise<void> {
  await queryRunner.query(`ALTER TABLE transfers DROP CONSTRAINT ${STATE_CHECK}`);
  const list = states.map((state) => `'${state}'`).join(', ');
  await queryRunner.query(`ALTER TABLE transfers ADD CONSTRAINT ${STATE_CHECK} CHECK (state IN (${list}))`);
}

/**
 * The state `awaiting_approval` (issue #11, item 1): a version staged ahead matched a request, and the
 * sender has not yet named the receiving school. The state check is rebuilt from the states it allows
 * at this point plus the new one, so the order of this and other migrations adding states does not matter.
 */
export class MatchApproval1765000000000 implements MigrationInterface {
  name = 'MatchApproval1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const states = await allowedStates(queryRunner);
    if (!states.includes(NEW_STATE)) await replaceStateCheck(queryRunner, [...states, NEW_STATE]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A transfer waiting for approval goes back to a plain request (its matched version is forgotten).
    await queryRunner.query(
      `UPDATE transfers SET state = 'requested', current_version_id = NULL WHERE state = $1`,
      [NEW_STATE],
    );
    const states = await allowedStates(queryRunner);
    await replaceStateCheck(
      queryRunner,
      states.filter((state) => state !== NEW_STATE),
    );
  }
}
