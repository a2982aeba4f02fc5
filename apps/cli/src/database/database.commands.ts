import { Command } from 'commander';
import { migrateDatabase } from '../cli-context';
import { say } from '../output';
import { reapplyPurgesCommand } from './reapply-purges.command';

/** `oso db migrate` (what `npm run migration:run` calls) and `oso db reapply-purges` (after a restore). */
export function databaseCommands(): Command {
  const db = new Command('db').description('database schema');
  db.command('migrate')
    .description('apply pending migrations (under the advisory lock the broker also takes)')
    .action(async () => {
      const applied = await migrateDatabase();
      say(applied.length === 0 ? 'database schema is up to date' : `applied: ${applied.join(', ')}`);
    });
  db.addCommand(reapplyPurgesCommand());
  return db;
}
