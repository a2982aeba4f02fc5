import { CertificateAuthority, certificateFacts, createCrl, validityFromNow } from '@app/pki';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import { httpsJson } from '../../../../test/support/https-client';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { TestPki } from '../../../../test/support/test-pki';

/**
 * The broker configured with a trust store that is not the development CA (as with PKIoverheid): the
 * external CA issues vendor certificates, the operator binds them with `oso registry bind-certificate`,
 * and no CRL is configured, so revocation comes from the registry.
 */
describe('mutual TLS with an external trust store', () => {
  let pki: TestPki;
  let broker: RunningBroker;
  let dir: string;
  const external = CertificateAuthority.create('External PKI, private services CA');
  const issue = (id: string) => {
    const pair = external.issueClientCertificate('vendor', id, 'Acme LAS', validityFromNow(30));
    return { cert: Buffer.from(pair.certificatePem), key: Buffer.from(pair.keyPem) };
  };
  const whoami = (client: { cert: Buffer; key: Buffer }) =>
    httpsJson(broker.port, '/v1/whoami', { ca: pki.caCertificate, ...client });

  beforeAll(async () => {
    const databaseUrl = await createSuiteDatabase('trust_store');
    pki = await TestPki.create(databaseUrl);
    await pki.registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    dir = mkdtempSync(join(tmpdir(), 'oso-trust-'));
    writeFileSync(join(dir, 'trust-store.pem'), external.pair.certificatePem);
    broker = await startBroker({
      DATABASE_URL: databaseUrl,
      PKI_DIR: pki.dir, // only for the server certificate
      TLS_CLIENT_CA_FILE: join(dir, 'trust-store.pem'),
      TLS_CRL_FILE: 'none',
    });
  });
  afterAll(async () => {
    await broker?.close();
    await pki?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a bound certificate of the external CA and refuses the development CA', async () => {
    const client = issue('acme-las');
    expect((await whoami(client)).body.error).toBe('CLIENT_CERTIFICATE_NOT_REGISTERED');
    await pki.registry.bindCertificate(
      { kind: 'vendor', vendorId: 'acme-las' },
      certificateFacts(client.cert),
    );
    expect(await whoami(client)).toMatchObject({ status: 200, body: { kind: 'vendor', id: 'acme-las' } });

    const developmentCertificate = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' });
    expect((await whoami(developmentCertificate)).body.error).toBe('CLIENT_CERTIFICATE_UNTRUSTED');
  });

  it('refuses a certificate revoked in the registry, without any CRL', async () => {
    const client = issue('acme-las');
    const facts = certificateFacts(client.cert);
    await pki.registry.bindCertificate({ kind: 'vendor', vendorId: 'acme-las' }, facts);
    expect((await whoami(client)).status).toBe(200);
    const crlBefore = readFileSync(pki.pki.store.crlFile, 'utf8');
    // `oso pki revoke` on a certificate of another CA: recorded, but no development CRL is touched.
    expect(await pki.pki.revoke(facts.serial, 'keyCompromise')).toEqual({ crlPublished: false });
    expect(readFileSync(pki.pki.store.crlFile, 'utf8')).toBe(crlBefore);
    expect((await whoami(client)).body.error).toBe('CLIENT_CERTIFICATE_REVOKED');
  });
});

/** Two CAs in the trust store and one CRL file holding a CRL for each, as an operator concatenates them. */
describe('mutual TLS with several CAs and their CRLs in one file', () => {
  let pki: TestPki;
  let broker: RunningBroker;
  let dir: string;
  const external = CertificateAuthority.create('Second CA');

  async function writeCrls(revokedAtSecondCa: string[]): Promise<void> {
    const now = new Date();
    const nextUpdate = new Date(now.getTime() + 7 * 86_400_000);
    const secondCrl = await createCrl({
      caCertificatePem: external.pair.certificatePem,
      caKeyPem: external.pair.keyPem,
      revoked: revokedAtSecondCa.map((serial) => ({ serial, revokedAt: now, reason: 'keyCompromise' })),
      thisUpdate: now,
      nextUpdate,
    });
    writeFileSync(join(dir, 'crls.pem'), readFileSync(pki.pki.store.crlFile, 'utf8') + secondCrl);
  }

  beforeAll(async () => {
    const databaseUrl = await createSuiteDatabase('two_cas');
    pki = await TestPki.create(databaseUrl);
    await pki.registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    dir = mkdtempSync(join(tmpdir(), 'oso-two-cas-'));
    writeFileSync(join(dir, 'trust-store.pem'), pki.caCertificate.toString() + external.pair.certificatePem);
    await writeCrls([]);
    broker = await startBroker({
      DATABASE_URL: databaseUrl,
      PKI_DIR: pki.dir,
      TLS_CLIENT_CA_FILE: join(dir, 'trust-store.pem'),
      TLS_CRL_FILE: join(dir, 'crls.pem'),
    });
  });
  afterAll(async () => {
    await broker?.close();
    await pki?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks clients of both CAs, each against its own CA’s CRL', async () => {
    const ours = await pki.issueBound({ kind: 'vendor', vendorId: 'acme-las' });
    const pair = external.issueClientCertificate('vendor', 'acme-las', 'Acme LAS', validityFromNow(30));
    const theirs = { cert: Buffer.from(pair.certificatePem), key: Buffer.from(pair.keyPem) };
    const facts = certificateFacts(theirs.cert);
    await pki.registry.bindCertificate({ kind: 'vendor', vendorId: 'acme-las' }, facts);
    const whoami = (client: { cert: Buffer; key: Buffer }) =>
      httpsJson(broker.port, '/v1/whoami', { ca: pki.caCertificate, ...client });

    expect((await whoami(ours)).status).toBe(200);
    expect((await whoami(theirs)).status).toBe(200);

    // Revoked by the second CA only (the registry still has it as valid): the TLS layer refuses it.
    await writeCrls([facts.serial]);
    broker.crlReloader.reload();
    expect((await whoami(theirs)).body.error).toBe('CLIENT_CERTIFICATE_REVOKED');
    expect((await whoami(ours)).status).toBe(200);
  });
});
