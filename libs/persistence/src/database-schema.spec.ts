import type { MigrationInterface } from 'typeorm';
import { DatabaseSchema, combineSchemas, migrationName } from './database-schema';

const migration = (name: string) =>
  class implements MigrationInterface {
    name = name;
    async up(): Promise<void> {}
    async down(): Promise<void> {}
  };
class Alpha {}
class Beta {}

describe('combining the domains’ schemas', () => {
  it('keeps every entity and orders the migrations by their timestamp, whatever order the parts come in', () => {
    const later: DatabaseSchema = { entities: [Beta], migrations: [migration('Later1763800000000')] };
    const earlier: DatabaseSchema = {
      entities: [Alpha],
      migrations: [migration('Earliest1763700000000'), migration('Earlier1763790000000')],
    };
    const combined = combineSchemas(later, earlier);
    expect(combined.entities).toEqual([Beta, Alpha]);
    expect(combined.migrations.map(migrationName)).toEqual([
      'Earliest1763700000000',
      'Earlier1763790000000',
      'Later1763800000000',
    ]);
  });

  it('refuses a migration handed in twice, and one whose name lacks its timestamp', () => {
    const twice = migration('Registry1763790000000');
    expect(() =>
      combineSchemas({ entities: [], migrations: [twice] }, { entities: [], migrations: [twice] }),
    ).toThrow('migration Registry1763790000000 is handed in twice');
    expect(() => combineSchemas({ entities: [], migrations: [migration('Registry')] })).toThrow(
      'migration Registry does not end in its 13-digit timestamp',
    );
  });
});
