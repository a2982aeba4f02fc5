import { developmentPupilKeySecret } from '@app/transfers';
import { createDevelopmentKekSet } from '@app/vault';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_VARIABLES = ['PUPIL_KEY_SECRET', 'VAULT_KEKS', 'VAULT_ACTIVE_KEK'] as const;

/**
 * The broker's secrets for a development machine: taken from the environment when set, else from
 * `broker-secrets.json` beside the development CA (created once, mode 0600, git-ignored with it).
 * Kept, not regenerated: a new vault key would make every stored dossier unreadable, a new pupil-key
 * secret every stored request unmatchable.
 */
export function ensureDevelopmentSecrets(pkiDir: string, log: (line: string) => void): void {
  if (SECRET_VARIABLES.every((name) => process.env[name])) return;
  const file = join(pkiDir, 'broker-secrets.json');
  let secrets: Record<string, string>;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } else {
    const keks = createDevelopmentKekSet();
    secrets = {
      PUPIL_KEY_SECRET: developmentPupilKeySecret(),
      VAULT_KEKS: keks.VAULT_KEKS,
      VAULT_ACTIVE_KEK: keks.VAULT_ACTIVE_KEK,
    };
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    log(`development secrets (pupil-key HMAC, vault key) created in ${file}`);
  }
  for (const name of SECRET_VARIABLES) if (!process.env[name]) process.env[name] = secrets[name];
}
