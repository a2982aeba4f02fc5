import { Command } from 'commander';
import { migrateDatabase } from '../cli-context';
import { say } from '../output';

/** `oso vault …`: operations on the encryption of stored dossiers. */
export function vaultCommands(): Command {
  const vault = new Command('vault').description('encryption of stored dossiers');
  vault
    .command('rotate')
    .description(
      're-wrap every stored dossier key under VAULT_ACTIVE_KEK (list the old and the new key in VAULT_KEKS)',
    )
    .action(async () => {
      const { connectWithRetry, dataSourceOptions, readDatabaseConfig } = await import('@app/persistence');
      const { BROKER_SCHEMA } = await import('@app/broker-schema');
      const { rotateDossierKeys } = await import('@app/transfers');
      const { OSO_CLI_ACTOR } = await import('@app/exchange-log/registry-events/registry-log-recorder');
      const { vaultRotationLogRecorder } =
        await import('@app/exchange-log/registry-events/vault-log-recorder');
      const { DossierVault, readVaultConfig } = await import('@app/vault');
      const { DataSource } = await import('typeorm');
      const config = readVaultConfig();
      const database = readDatabaseConfig();
      await migrateDatabase();
      const dataSource = await connectWithRetry(
        new DataSource(dataSourceOptions(database.url, BROKER_SCHEMA)),
        database,
      );
      try {
        // Every batch lands in the exchange log with the re-wraps it records, or neither does.
        const result = await rotateDossierKeys(
          dataSource,
          new DossierVault(config),
          config.activeKekId,
          vaultRotationLogRecorder(OSO_CLI_ACTOR),
        );
        say(
          `vault: ${result.rewrapped} dossier key(s) re-wrapped under "${config.activeKekId}", ` +
            `${result.alreadyCurrent} already were; keys no longer in use can now leave VAULT_KEKS`,
        );
      } finally {
        await dataSource.destroy();
      }
    });
  return vault;
}
