import { BROKER_SCHEMA } from '@app/broker-schema';
import { connectWithRetry, dataSourceOptions, migrateWithLock } from '@app/persistence';
import { AuditorScope1764660000000 } from '@app/registry/migrations/1764660000000-auditor-scope';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { TestPki } from '../../../../test/support/test-pki';
import type { CliContext } from '../cli-context';
import { DEMO_REGISTRY, ensureDemoRegistry } from './demo-registry';

const contextOf = (pki: TestPki): CliContext => ({
  registry: pki.registry,
  pki: pki.pki,
  close: async () => {},
});

describe('the demo registry', () => {
  it('on an empty database: three schools of one board, its auditor and a supervisory one, each with a certificate', async () => {
    const pki = await TestPki.create(await createSuiteDatabase('demo_registry'));
    try {
      const lines: string[] = [];
      const clients = await ensureDemoRegistry(contextOf(pki), (line) => lines.push(line));
      expect(lines[0]).toBe('demo registry created: 3 vendors, 3 schools of one school board, 2 auditors');
      expect(await pki.registry.schoolCodesOfBoards([DEMO_REGISTRY.bevoegdGezag])).toEqual([
        '00YY00',
        '01XZ00',
        '02XZ00',
      ]);
      // Each school is served by its own demo vendor.
      for (const vendor of DEMO_REGISTRY.vendors) {
        expect((await pki.registry.mandatedSchools(vendor.id)).map((s) => `${s.brin}${s.vestiging}`)).toEqual(
          [vendor.school],
        );
      }
      expect(await pki.registry.findAuditor(DEMO_REGISTRY.auditor)).toMatchObject({
        boards: [DEMO_REGISTRY.bevoegdGezag],
        supervisory: false,
      });
      expect(await pki.registry.findAuditor(DEMO_REGISTRY.supervisoryAuditor)).toMatchObject({
        boards: [],
        supervisory: true,
      });
      expect(clients.map((client) => client.label)).toContain('auditor demo-inspectorate');
      expect(existsSync(join(pki.dir, 'auditors', 'demo-inspectorate.crt'))).toBe(true);
      // A second run changes nothing.
      const again: string[] = [];
      await ensureDemoRegistry(contextOf(pki), (line) => again.push(line));
      expect(again).toEqual([]);
    } finally {
      await pki.close();
    }
  });

  it('made before bevoegd gezag: completes the untouched demo entries, keeps what an operator changed', async () => {
    const url = await createSuiteDatabase('demo_registry_upgrade', { migrate: false });
    const old = await connectWithRetry(
      new DataSource(
        dataSourceOptions(url, {
          ...BROKER_SCHEMA,
          migrations: BROKER_SCHEMA.migrations.slice(
            0,
            BROKER_SCHEMA.migrations.indexOf(AuditorScope1764660000000),
          ),
        }),
      ),
      { url, startupTimeoutSeconds: 5 },
    );
    try {
      await migrateWithLock(old);
      await old.query(`INSERT INTO vendors (id, name) VALUES ('demo-po-las', 'x'), ('demo-vo-las', 'y')`);
      await old.query(
        `INSERT INTO schools (brin, vestiging, name, sector) VALUES ('00YY', '00', 'a', 'PO'), ('01XZ', '00', 'b', 'VO')`,
      );
      await old.query(`INSERT INTO auditors (name) VALUES ('demo-auditor')`);
    } finally {
      await old.destroy();
    }
    const migrated = await connectWithRetry(new DataSource(dataSourceOptions(url, BROKER_SCHEMA)), {
      url,
      startupTimeoutSeconds: 5,
    });
    await migrateWithLock(migrated);
    await migrated.destroy();

    const pki = await TestPki.create(url);
    try {
      // An operator already placed one demo school under a board of their choice.
      await pki.registry.changeSchool({ code: '01XZ00', bevoegdGezag: '10001' });
      const lines: string[] = [];
      await ensureDemoRegistry(contextOf(pki), (line) => lines.push(line));
      expect(lines.slice(0, 5)).toEqual([
        `demo school 00YY00 now belongs to school board ${DEMO_REGISTRY.bevoegdGezag}`,
        `auditor demo-auditor now audits school board ${DEMO_REGISTRY.bevoegdGezag}`,
        'supervisory auditor demo-inspectorate added',
        // The school and vendor of the VO→VO exchanges came later: a demo registry from before gets them.
        `demo school 02XZ00 added to school board ${DEMO_REGISTRY.bevoegdGezag}`,
        'demo vendor demo-vo2-las added, mandated by 02XZ00',
      ]);
      expect(await pki.registry.schoolCodesOfBoards([DEMO_REGISTRY.bevoegdGezag])).toEqual([
        '00YY00',
        '02XZ00',
      ]);
      expect((await pki.registry.findSchool('01XZ00')).bevoegdGezag).toBe('10001');
      expect((await pki.registry.findAuditor('demo-auditor')).boards).toEqual([DEMO_REGISTRY.bevoegdGezag]);
      expect((await pki.registry.findAuditor('demo-inspectorate')).supervisory).toBe(true);
    } finally {
      await pki.close();
    }
  });
});
