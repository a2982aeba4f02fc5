import { BROKER_SCHEMA } from '@app/broker-schema';
import { connectWithRetry, dataSourceOptions, migrateWithLock, migrationName } from '@app/persistence';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { UNKNOWN_BEVOEGD_GEZAG } from '../registry-rules';
import { RegistryService } from '../registry.service';
import { AuditorScope1764660000000 } from './1764660000000-auditor-scope';

/** A development database from before bevoegd gezag and auditor scopes, brought up to date. */
describe('the AuditorScope migration on a database that already has schools and auditors', () => {
  let url: string;

  beforeAll(async () => {
    url = await createSuiteDatabase('auditor_scope_upgrade', { migrate: false });
    const cutoff = BROKER_SCHEMA.migrations.indexOf(AuditorScope1764660000000);
    const older = { ...BROKER_SCHEMA, migrations: BROKER_SCHEMA.migrations.slice(0, cutoff) };
    const before = await connect(url, older);
    try {
      expect((await migrateWithLock(before)).length).toBe(cutoff);
      await before.query(
        `INSERT INTO schools (brin, vestiging, name, sector) VALUES ('12AB', '00', 'De Linde', 'PO')`,
      );
      await before.query(`INSERT INTO auditors (name) VALUES ('privacy.linde')`);
    } finally {
      await before.destroy();
    }
  });

  it('migrates: existing schools have no known board, existing auditors see nothing until given a scope', async () => {
    const after = await connect(url, BROKER_SCHEMA);
    try {
      expect(await migrateWithLock(after)).toContain(migrationName(AuditorScope1764660000000));
      const registry = new RegistryService(after);
      expect((await registry.findSchool('12AB00')).bevoegdGezag).toBe(UNKNOWN_BEVOEGD_GEZAG);
      expect(await registry.findAuditor('privacy.linde')).toMatchObject({ boards: [], supervisory: false });

      // The placeholder filled the old rows only: a new school without a board is refused by the database too.
      await expect(
        after.query(`INSERT INTO schools (brin, vestiging, name, sector) VALUES ('34CD', '00', 'x', 'VO')`),
      ).rejects.toThrow(/bevoegd_gezag/);

      // The operator then sets them, as for any school and auditor.
      await registry.changeSchool({ code: '12AB00', bevoegdGezag: '10001' });
      await registry.changeAuditor({ name: 'privacy.linde', boards: ['10001'] });
      expect(await registry.schoolCodesOfBoards(['10001'])).toEqual(['12AB00']);
    } finally {
      await after.destroy();
    }
  });
});

function connect(url: string, schema: typeof BROKER_SCHEMA): Promise<DataSource> {
  return connectWithRetry(new DataSource(dataSourceOptions(url, schema)), { url, startupTimeoutSeconds: 5 });
}
