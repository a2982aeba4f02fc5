import {
  ConsentDeclarationEntity,
  declarationContext,
  rotateDossierKeys,
  sealedDeclaration,
} from '@app/transfers';
import { DossierVault, readVaultConfig } from '@app/vault';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { INZAGE_DAY, stagePoDossier } from '../../../../test/support/release-steps';

/**
 * The optional consent declaration document (issue #11, item 2), over the real broker: uploaded by the
 * sending vendor as the exact bytes its consent record names, stored sealed with the vault, tied to the
 * record's version, logged without content, and given back to the sending side only.
 */
const LIMIT = 4096;

describe('consent declaration documents', () => {
  let exchange: Exchange;
  let seed = 1500;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'consent_declaration',
      env: { API_MAX_DECLARATION_BYTES: String(LIMIT) },
    });
  });
  afterAll(() => exchange?.close());

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  /** A staged transfer and a consent record naming `document` as its signed declaration. */
  async function consentNaming(document: Buffer, mediaType = 'application/pdf') {
    const staged = await stagePoDossier(exchange, ++seed);
    const consent = await exchange.clients.po.post(`/v1/transfers/${staged.id}/evidence`, {
      kind: 'consent',
      versionHash: staged.versionHash,
      receivingSchool: '01XZ00',
      date: INZAGE_DAY,
      decision: 'granted',
      by: { role: 'parent_with_gezag', ref: 'ouder-1' },
      form: 'signed_declaration',
      declaration: { sha256: sha256(document), mediaType },
    });
    expect(consent.status).toBe(201);
    return { ...staged, evidenceId: (consent.body.record as { id: string }).id };
  }

  const path = (id: string, evidenceId: string) => `/v1/transfers/${id}/evidence/${evidenceId}/declaration`;
  const upload = (id: string, evidenceId: string, bytes: Buffer, contentType = 'application/pdf') =>
    exchange.clients.po.send('PUT', path(id, evidenceId), bytes, { contentType });

  it('stores the declaration sealed and gives it back to the sender only', async () => {
    const document = Buffer.from('%PDF-1.4\nHandtekening ouder: toestemming verleend.\n%%EOF\n');
    const { id, versionHash, evidenceId } = await consentNaming(document);
    const { po, vo } = exchange.clients;

    const before = await po.get(path(id, evidenceId));
    expect([before.status, before.body.error]).toEqual([404, 'DECLARATION_NOT_STORED']);

    const stored = await upload(id, evidenceId, document);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({
      evidenceId,
      mediaType: 'application/pdf',
      byteLength: document.length,
      sha256: sha256(document),
      stored: true,
    });
    const entryIds = String(stored.headers['x-log-entry']).split(', ');
    expect(entryIds).toHaveLength(1);
    const { rows: entries } = await exchange.database.query<{ event_type: string; details: unknown }>(
      'SELECT event_type, version_hash, details FROM exchange_log_entries WHERE id = $1',
      [entryIds[0]],
    );
    expect(entries).toEqual([
      {
        event_type: 'declaration_stored',
        version_hash: versionHash,
        details: { evidenceId, byteLength: document.length },
      },
    ]);

    // Sealed at rest, and tied to the version the consent is for (retention purges it with that version).
    const { rows } = await exchange.database.query<{
      ciphertext: Buffer;
      version_id: string;
      kek_id: string;
    }>('SELECT ciphertext, version_id, kek_id FROM consent_declarations WHERE evidence_id = $1', [
      evidenceId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].ciphertext.includes(Buffer.from('Handtekening'))).toBe(false);
    const version = await exchange.database.query<{ id: string }>(
      'SELECT id FROM dossier_versions WHERE canonical_sha256 = $1',
      [versionHash],
    );
    expect(rows[0].version_id).toBe(version.rows[0].id);

    const fetched = await po.get(path(id, evidenceId));
    expect(fetched.status).toBe(200);
    expect(fetched.headers['content-type']).toMatch(/^application\/pdf/);
    expect(fetched.raw.equals(document)).toBe(true);
    const byReceiver = await vo.get(path(id, evidenceId));
    expect([byReceiver.status, byReceiver.body.error]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(byReceiver.raw.includes(Buffer.from('Handtekening'))).toBe(false);

    // The same document again changes nothing and records nothing.
    const again = await upload(id, evidenceId, document);
    expect(again.body).toMatchObject({ stored: false, sha256: sha256(document) });
    expect(again.headers['x-log-entry']).toBeUndefined();
    const count = await exchange.database.query('SELECT 1 FROM consent_declarations WHERE evidence_id = $1', [
      evidenceId,
    ]);
    expect(count.rowCount).toBe(1);
  });

  it('refuses other bytes, another media type or a record without one', async () => {
    const document = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const { id, versionHash, evidenceId } = await consentNaming(document, 'image/jpeg');
    const { po, vo } = exchange.clients;

    const otherBytes = await upload(id, evidenceId, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9]), 'image/jpeg');
    expect([otherBytes.status, otherBytes.body.error]).toEqual([422, 'DECLARATION_HASH_MISMATCH']);
    const otherType = await upload(id, evidenceId, document, 'image/png');
    expect([otherType.status, otherType.body.error]).toEqual([422, 'DECLARATION_MEDIA_TYPE_MISMATCH']);
    expect(otherType.body.message).toContain('image/jpeg');
    const asText = await upload(id, evidenceId, document, 'text/plain');
    expect([asText.status, asText.body.error]).toEqual([415, 'REQUEST_CONTENT_TYPE_UNSUPPORTED']);
    const tooLarge = await upload(id, evidenceId, Buffer.alloc(LIMIT + 1, 1), 'image/jpeg');
    expect([tooLarge.status, tooLarge.body.error]).toEqual([413, 'REQUEST_BODY_TOO_LARGE']);

    // An inzage record names no declaration; an unknown id is no record of this transfer.
    const inzage = await po.post(`/v1/transfers/${id}/evidence`, {
      kind: 'inzage',
      versionHash,
      receivingSchool: '01XZ00',
      date: INZAGE_DAY,
      givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
      how: 'letter',
    });
    const inzageId = (inzage.body.record as { id: string }).id;
    for (const wrongId of [inzageId, randomUUID(), 'not-a-uuid']) {
      const answer = await upload(id, wrongId, document, 'image/jpeg');
      expect([wrongId, answer.status, answer.body.error]).toEqual([wrongId, 404, 'DECLARATION_NOT_RECORDED']);
    }
    const byReceiver = await vo.send('PUT', path(id, evidenceId), document, { contentType: 'image/jpeg' });
    expect([byReceiver.status, byReceiver.body.error]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    // A document body is no dossier.
    const asDossier = await po.send('PUT', `/v1/transfers/${id}/dossier`, document, {
      contentType: 'image/jpeg',
    });
    expect([asDossier.status, asDossier.body.error]).toEqual([400, 'DOSSIER_CONTENT_TYPE']);

    const stored = await exchange.database.query(
      'SELECT 1 FROM consent_declarations WHERE transfer_id = $1',
      [id],
    );
    expect(stored.rowCount).toBe(0);
    expect((await upload(id, evidenceId, document, 'image/jpeg')).status).toBe(201);
  });

  it('re-wraps a declaration’s key with the versions’ when the key-encryption key rotates', async () => {
    const document = Buffer.from('%PDF-1.4\nrotated\n%%EOF\n');
    const { id, evidenceId } = await consentNaming(document);
    expect((await upload(id, evidenceId, document)).status).toBe(201);
    const oldKeks = process.env.VAULT_KEKS ?? '';
    const newKek = `rotated:${randomBytes(32).toString('base64')}`;
    const during = new DossierVault(
      readVaultConfig({ VAULT_KEKS: `${oldKeks},${newKek}`, VAULT_ACTIVE_KEK: 'rotated' }),
    );
    const after = new DossierVault(readVaultConfig({ VAULT_KEKS: newKek, VAULT_ACTIVE_KEK: 'rotated' }));
    // As the runtime role (the broker's own connections); the last test: the broker's vault lacks the new key.
    const dataSource = exchange.broker.app.get(DataSource);
    const { rewrapped } = await rotateDossierKeys(dataSource, during, 'rotated');
    expect(rewrapped).toBeGreaterThanOrEqual(2);
    const row = await dataSource.getRepository(ConsentDeclarationEntity).findOneByOrFail({ evidenceId });
    expect(row.kekId).toBe('rotated');
    expect(after.open(sealedDeclaration(row), declarationContext(evidenceId)).equals(document)).toBe(true);
  });

  it('loses its key with its version: a retraction destroys both', async () => {
    const document = Buffer.from('%PDF-1.4\nToestemming, later ingetrokken versie.\n%%EOF\n');
    const { id, versionHash, evidenceId } = await consentNaming(document);
    const { po } = exchange.clients;
    expect((await upload(id, evidenceId, document)).status).toBe(201);

    const retracted = await po.post(`/v1/transfers/${id}/retraction`, { versionHash, reason: 'wrong_pupil' });
    expect(retracted.status).toBe(200);

    const fetched = await po.get(path(id, evidenceId));
    expect([fetched.status, fetched.body.error]).toEqual([404, 'DECLARATION_NOT_STORED']);
    const { rows } = await exchange.database.query<{ purged: boolean; gone: boolean }>(
      `SELECT purged_at IS NOT NULL AS purged, (ciphertext IS NULL AND wrapped_key IS NULL) AS gone
         FROM consent_declarations WHERE evidence_id = $1`,
      [evidenceId],
    );
    expect(rows).toEqual([{ purged: true, gone: true }]);
  });
});
