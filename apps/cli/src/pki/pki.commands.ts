import { LEAF_KEY_TYPES, LeafKeyType } from '@app/pki/leaf-key-type';
import { REVOCATION_REASONS, RevocationReason } from '@app/pki/revocation-reasons';
import { Command, InvalidArgumentError, Option } from 'commander';
import { withCliContext } from '../cli-context';
import { UsageError, say } from '../output';

/** `--key-type`-like options: the choice of leaf key; unset means the PKI_*_KEY_TYPE setting. */
function keyTypeOption(flag: string, description: string): Option {
  return new Option(`${flag} <type>`, description).choices([...LEAF_KEY_TYPES]);
}

/** `oso pki …`: the broker's development CA. */
export function pkiCommands(): Command {
  const pki = new Command('pki').description("run the broker's development certificate authority");

  pki
    .command('init')
    .description(
      'create the root CA, the server certificate (localhost, 127.0.0.1), the broker’s client certificate ' +
        '(webhook calls) and an empty CRL',
    )
    .option('--force', 'replace an existing CA (every certificate it issued stops working)')
    .addOption(
      keyTypeOption(
        '--server-key-type',
        "key of the broker's server and webhook client certificates, which sign every answer and webhook " +
          'call: p256 or rsa-2048 (default: PKI_SERVER_KEY_TYPE, p256); applies when the CA is created',
      ),
    )
    .action(async (options: { force?: boolean; serverKeyType?: LeafKeyType }) => {
      const { created, dir, brokerClient } = await withCliContext(async ({ pki }) => ({
        ...(await pki.init({ force: options.force, serverKeyType: options.serverKeyType })),
        dir: pki.store.dir,
        brokerClient: pki.store.brokerClientFiles.certificateFile,
      }));
      say(
        created
          ? `development CA created in ${dir}`
          : `development CA already exists in ${dir} (use --force to replace it)`,
      );
      say(`broker client certificate (webhook calls): ${brokerClient}`);
      // The exchange log's signing key is never replaced, not even with --force: its checkpoints must
      // stay verifiable.
      const { ensureLogSigningKey, readLogKeyConfig } =
        await import('@app/exchange-log/log-key/log-key.config');
      const logKey = readLogKeyConfig();
      const { created: keyCreated } = ensureLogSigningKey(logKey);
      say(`exchange log key ${keyCreated ? 'created' : 'already exists'}: ${logKey.keyFile}`);
      say(`  public key: ${logKey.verifierKeyFile}`);
    });

  pki
    .command('issue')
    .description('issue a client certificate bound to a registered vendor or auditor')
    .option('--vendor <id>', 'vendor id')
    .option('--auditor <name>', 'auditor name')
    .option('--days <days>', 'validity in days (default: PKI_CLIENT_CERT_DAYS, 365)', (value) => {
      const days = Number(value);
      if (!Number.isInteger(days) || days <= 0)
        throw new InvalidArgumentError('must be a positive whole number');
      return days;
    })
    .addOption(
      keyTypeOption(
        '--key-type',
        'key of the certificate: p256 (ECDSA, signs about ten times cheaper), or rsa-2048 for a client ' +
          'that needs RSA (default: PKI_CLIENT_KEY_TYPE, p256)',
      ),
    )
    .action(async (options: { vendor?: string; auditor?: string; days?: number; keyType?: LeafKeyType }) => {
      if (Boolean(options.vendor) === Boolean(options.auditor)) {
        throw new UsageError('give exactly one of --vendor or --auditor');
      }
      const { validityFromNow } = await import('@app/pki/certificate-authority');
      const issued = await withCliContext(async ({ pki }) => {
        const owner = options.vendor
          ? ({ kind: 'vendor', vendorId: options.vendor } as const)
          : ({ kind: 'auditor', auditorName: options.auditor as string } as const);
        return pki.issue(owner, options.days ? validityFromNow(options.days) : undefined, {
          keyType: options.keyType,
        });
      });
      say(
        `certificate ${issued.serial} issued (${issued.keyType} key), valid until ${issued.notAfter.toISOString()}`,
      );
      say(`  certificate: ${issued.certificateFile}`);
      say(`  key:         ${issued.keyFile}`);
    });

  pki
    .command('server')
    .description(
      'issue a new server certificate (localhost, 127.0.0.1) from the existing CA, e.g. to change its key; ' +
        'restart the broker to use it (clients that pin the old certificate must fetch the new one)',
    )
    .addOption(keyTypeOption('--key-type', 'key of the new certificate (default: PKI_SERVER_KEY_TYPE, p256)'))
    .action(async (options: { keyType?: LeafKeyType }) => {
      const file = await withCliContext(({ pki }) => {
        pki.reissueServerCertificate(options.keyType);
        return Promise.resolve(pki.store.serverCertificateFile);
      });
      say(`server certificate issued: ${file}`);
    });

  pki
    .command('revoke')
    .description('revoke a certificate and publish a fresh CRL (the broker reloads it within seconds)')
    .argument('<serial>', 'serial number in hex, as `oso registry list` shows it')
    .addOption(
      new Option('--reason <reason>', 'revocation reason')
        .choices([...REVOCATION_REASONS])
        .default('unspecified'),
    )
    .action(async (serial: string, options: { reason: RevocationReason }) => {
      const { crlPublished } = await withCliContext(({ pki }) => pki.revoke(serial, options.reason));
      say(
        crlPublished
          ? `certificate ${serial} revoked; CRL published`
          : `certificate ${serial} revoked in the registry (refused from the next request); ` +
              'it is not from the development CA, so its own CA must publish the revocation',
      );
    });

  pki
    .command('crl')
    .description('publish a fresh CRL now')
    .action(async () => {
      const nextUpdate = await withCliContext(({ pki }) => pki.publishCrl());
      say(`CRL published, valid until ${nextUpdate.toISOString()}`);
    });

  return pki;
}
