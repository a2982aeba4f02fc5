import { certificateFacts } from '@app/pki/certificate-facts';
import type { MandateSide } from '@app/registry';
import { formatSchoolCode } from '@app/registry/school-code';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { withCliContext } from '../cli-context';
import { UsageError, printTable, say } from '../output';

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(`"${value}" is not a date (use YYYY-MM-DD)`);
  return date;
}

/** Commander's way to gather a repeatable option. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function describeScope(auditor: { boards: string[]; supervisory: boolean }): string {
  return auditor.supervisory ? 'supervisory: every school' : `boards ${auditor.boards.join(', ') || '-'}`;
}

/** `oso registry …`: set up vendors, schools, mandates and auditors. */
export function registryCommands(): Command {
  const registry = new Command('registry').description('manage vendors, schools, mandates and auditors');

  registry
    .command('add-vendor')
    .description('register a LAS vendor')
    .argument('<id>', 'short stable id, e.g. acme-las (a-z, 0-9, -)')
    .requiredOption('--name <name>', 'display name')
    .action(async (id: string, options: { name: string }) => {
      const vendor = await withCliContext(({ registry }) => registry.addVendor({ id, name: options.name }));
      say(`vendor ${vendor.id} registered`);
    });

  registry
    .command('add-school')
    .description('register a school location')
    .argument('<school>', 'BRIN + vestiging, e.g. 12AB00')
    .requiredOption('--name <name>', 'school name')
    .requiredOption('--sector <sector>', 'PO, VO, SO, VSO or MBO')
    .requiredOption('--bevoegd-gezag <number>', "DUO number (5 digits) of the school's board")
    .action(async (code: string, options: { name: string; sector: string; bevoegdGezag: string }) => {
      const school = await withCliContext(({ registry }) =>
        registry.addSchool({
          code,
          name: options.name,
          sector: options.sector.toUpperCase(),
          bevoegdGezag: options.bevoegdGezag,
        }),
      );
      say(
        `school ${formatSchoolCode(school)} (${school.sector}, bevoegd gezag ${school.bevoegdGezag}) registered`,
      );
    });

  registry
    .command('add-auditor')
    .description('register an auditor (read-only access to the exchange log of its schools)')
    .argument('<name>', 'short name, e.g. privacy.linde')
    .option(
      '--board <number>',
      'a school board (bevoegd gezag) whose schools it audits; repeatable',
      collect,
      [],
    )
    .option('--supervisory', 'audits every school (the inspectorate, the AP); no --board')
    .action(async (name: string, options: { board: string[]; supervisory?: boolean }) => {
      const auditor = await withCliContext(({ registry }) =>
        registry.addAuditor({ name, boards: options.board, supervisory: options.supervisory ?? false }),
      );
      say(`auditor ${auditor.name} (${describeScope(auditor)}) registered`);
    });

  registry
    .command('change-vendor')
    .description("change a vendor's display name")
    .argument('<id>', 'vendor id')
    .requiredOption('--name <name>', 'new display name')
    .action(async (id: string, options: { name: string }) => {
      const vendor = await withCliContext(({ registry }) =>
        registry.changeVendor({ id, name: options.name }),
      );
      say(`vendor ${vendor.id}: name "${vendor.name}"`);
    });

  registry
    .command('set-webhook')
    .description('set or clear where the broker notifies a vendor (release, correction, recall, receipt)')
    .argument('<id>', 'vendor id')
    .argument('[url]', 'https URL without credentials, e.g. https://las.example.nl/oso/notifications')
    .option('--clear', 'remove the webhook: the vendor polls its inbox (GET /v1/transfers)')
    .action(async (id: string, url: string | undefined, options: { clear?: boolean }) => {
      if ((url === undefined) === (options.clear !== true)) {
        throw new UsageError('give either a URL or --clear');
      }
      const vendor = await withCliContext(({ registry }) =>
        registry.setVendorWebhook({ id, url: url ?? null }),
      );
      say(
        vendor.webhookUrl === null
          ? `vendor ${vendor.id}: no webhook (polls its inbox)`
          : `vendor ${vendor.id}: webhook ${vendor.webhookUrl}`,
      );
    });

  registry
    .command('change-school')
    .description("change a school's name or bevoegd gezag")
    .argument('<school>', 'BRIN + vestiging')
    .option('--name <name>', 'new school name')
    .option('--bevoegd-gezag <number>', "DUO number (5 digits) of the school's board")
    .action(async (code: string, options: { name?: string; bevoegdGezag?: string }) => {
      if (options.name === undefined && options.bevoegdGezag === undefined) {
        throw new UsageError('give --name, --bevoegd-gezag or both');
      }
      const school = await withCliContext(({ registry }) =>
        registry.changeSchool({ code, name: options.name, bevoegdGezag: options.bevoegdGezag }),
      );
      say(`school ${formatSchoolCode(school)}: name "${school.name}", bevoegd gezag ${school.bevoegdGezag}`);
    });

  registry
    .command('change-auditor')
    .description("change an auditor's scope: its boards, or supervisory")
    .argument('<name>', 'auditor name')
    .option('--board <number>', 'the boards it audits from now on (replaces its boards); repeatable', collect)
    .option('--supervisory', 'audits every school from now on (drops its boards)')
    .action(async (name: string, options: { board?: string[]; supervisory?: boolean }) => {
      if (options.board === undefined && options.supervisory === undefined) {
        throw new UsageError('give --board (repeatable) or --supervisory');
      }
      const auditor = await withCliContext(({ registry }) =>
        registry.changeAuditor({ name, boards: options.board, supervisory: options.supervisory }),
      );
      say(`auditor ${auditor.name}: ${describeScope(auditor)}`);
    });

  registry
    .command('mandate')
    .description('record that a school lets a vendor act on its behalf')
    .requiredOption('--school <school>', 'BRIN + vestiging, e.g. 12AB00')
    .requiredOption('--vendor <id>', 'vendor id')
    .option('--from <date>', 'start of the mandate (default: now)', parseDate)
    .option('--until <date>', 'end of the mandate (default: open-ended)', parseDate)
    .addOption(
      new Option('--side <side>', 'the side of transfers it covers: sending, receiving or both')
        .choices(['source', 'target', 'both'])
        .default('both'),
    )
    .action(
      async (options: { school: string; vendor: string; from?: Date; until?: Date; side: MandateSide }) => {
        await withCliContext(({ registry }) =>
          registry.grantMandate({
            schoolCode: options.school,
            vendorId: options.vendor,
            validFrom: options.from,
            validUntil: options.until ?? null,
            side: options.side,
          }),
        );
        say(`school ${options.school.toUpperCase()} mandates vendor ${options.vendor} (${options.side})`);
      },
    );

  registry
    .command('revoke-mandate')
    .description("end a school's mandate for a vendor now (kept as history)")
    .requiredOption('--school <school>', 'BRIN + vestiging')
    .requiredOption('--vendor <id>', 'vendor id')
    .action(async (options: { school: string; vendor: string }) => {
      await withCliContext(({ registry }) =>
        registry.revokeMandate({ schoolCode: options.school, vendorId: options.vendor }),
      );
      say(`mandate of school ${options.school.toUpperCase()} for vendor ${options.vendor} revoked`);
    });

  registry
    .command('bind-certificate')
    .description('bind a certificate from an external trust store (e.g. PKIoverheid) to a vendor or auditor')
    .argument('<file>', 'the certificate, PEM or DER')
    .option('--vendor <id>', 'vendor id')
    .option('--auditor <name>', 'auditor name')
    .action(async (file: string, options: { vendor?: string; auditor?: string }) => {
      if (Boolean(options.vendor) === Boolean(options.auditor)) {
        throw new UsageError('give exactly one of --vendor or --auditor');
      }
      const facts = certificateFacts(readFileSync(file));
      await withCliContext(({ registry }) =>
        registry.bindCertificate(
          options.vendor
            ? { kind: 'vendor', vendorId: options.vendor }
            : { kind: 'auditor', auditorName: options.auditor as string },
          facts,
        ),
      );
      say(`certificate ${facts.fingerprintSha256} (serial ${facts.serial}) bound`);
    });

  registry
    .command('list')
    .description('show the registry')
    .option('--json', 'one JSON document instead of tables')
    .action(async (options: { json?: boolean }) => {
      const snapshot = await withCliContext(({ registry }) => registry.snapshot());
      const { isMandateActive } = await import('@app/registry/registry.service');
      if (options.json) {
        say(JSON.stringify(snapshot, null, 2));
        return;
      }
      const now = new Date();
      say('Vendors');
      printTable(
        ['ID', 'NAME', 'WEBHOOK'],
        snapshot.vendors.map((vendor) => [vendor.id, vendor.name, vendor.webhookUrl ?? '-']),
      );
      say('\nSchools');
      printTable(
        ['SCHOOL', 'SECTOR', 'BEVOEGD GEZAG', 'NAME'],
        snapshot.schools.map((school) => [
          formatSchoolCode(school),
          school.sector,
          school.bevoegdGezag,
          school.name,
        ]),
      );
      say('\nMandates');
      printTable(
        ['SCHOOL', 'VENDOR', 'SIDE', 'FROM', 'UNTIL', 'STATE'],
        snapshot.mandates.map((mandate) => [
          formatSchoolCode(mandate.school),
          mandate.vendorId,
          mandate.side,
          mandate.validFrom.toISOString(),
          mandate.validUntil?.toISOString() ?? '-',
          mandate.revokedAt ? 'revoked' : isMandateActive(mandate, now) ? 'active' : 'inactive',
        ]),
      );
      say('\nAuditors');
      printTable(
        ['NAME', 'SCOPE'],
        snapshot.auditors.map((auditor) => [auditor.name, describeScope(auditor)]),
      );
      const auditorNames = new Map(snapshot.auditors.map((auditor) => [auditor.id, auditor.name]));
      say('\nCertificates');
      printTable(
        ['SERIAL', 'OWNER', 'NOT AFTER', 'STATE'],
        snapshot.certificates.map((certificate) => [
          certificate.serial,
          certificate.vendorId
            ? `vendor ${certificate.vendorId}`
            : `auditor ${auditorNames.get(certificate.auditorId ?? '') ?? '?'}`,
          certificate.notAfter.toISOString(),
          certificate.revokedAt ? 'revoked' : certificate.notAfter < now ? 'expired' : 'valid',
        ]),
      );
      // Read-only: a board instructs through its vendor's signed API call; the operator cannot set one.
      say('\nBoard instructions');
      printTable(
        ['BEVOEGD GEZAG', 'KIND', 'VALUE', 'DECIDED ON', 'RECORDED BY'],
        snapshot.boardInstructions.map((instruction) => [
          instruction.bevoegdGezag,
          instruction.kind,
          instruction.kind === 'release_policy'
            ? `${instruction.policyId} v${instruction.policyVersion}`
            : `${instruction.afterReleaseMonths} / ${instruction.specialEducationMonths} months`,
          instruction.effectiveFrom,
          instruction.recordedByVendorId,
        ]),
      );
    });

  return registry;
}
