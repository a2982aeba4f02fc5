import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STATUS_BY_KIND } from './api-exception.filter';
import { ERROR_CATALOGUE, ERROR_CODES, ErrorCode } from './error-catalogue';

/**
 * The catalogue cannot fall behind the code: the sources are scanned for every code they can answer
 * with, and the vendor guide's error table must list exactly the catalogue.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const SCANNED = ['libs/transfers/src', 'apps/broker-api/src'];

function sources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(entry.name),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }));
}

const files = SCANNED.flatMap(sources);
const isCatalogued = (code: string): code is ErrorCode => code in ERROR_CATALOGUE;

describe('the error catalogue', () => {
  it('holds every TransferError code thrown in the sources, with the status of its kind', () => {
    const thrown = files.flatMap(({ file, text }) =>
      [...text.matchAll(/new TransferError\(\s*'([A-Z_]+)',\s*'([a-z_]+)'/g)].map(([, code, kind]) => ({
        file,
        code,
        kind: kind as keyof typeof STATUS_BY_KIND,
      })),
    );
    expect(thrown.map(({ code }) => code)).toEqual(
      expect.arrayContaining(['TRANSFER_NOT_FOUND', 'DOSSIER_INVALID', 'VENDOR_ONLY', 'REQUEST_INVALID']),
    );
    for (const { file, code, kind } of thrown) {
      expect([file, code, isCatalogued(code) ? ERROR_CATALOGUE[code].status : 'not catalogued']).toEqual([
        file,
        code,
        STATUS_BY_KIND[kind],
      ]);
    }
  });

  it('knows every TransferError whose code is not a literal, and catalogues those codes', () => {
    const dynamic = files.flatMap(({ file, text }) =>
      [...text.matchAll(/new TransferError\(\s*(?![\s'])([^,]+),\s*'([a-z_]+)'/g)].map(
        ([, expression, kind]) => `${file}: ${expression.trim()} (${kind})`,
      ),
    );
    // The lifecycle's refusals (`nextState`): its TransitionRefusal union is catalogued at compile time.
    expect(dynamic).toEqual(['libs/transfers/src/transfer-state-changes.ts: result.refusal (conflict)']);
    for (const code of ['TRANSFER_STATE_CONFLICT', 'TRANSFER_ACTOR_NOT_ALLOWED'] as const) {
      expect(ERROR_CATALOGUE[code].status).toBe(STATUS_BY_KIND.conflict);
    }
    const constructions = files.reduce(
      (count, { text }) => count + (text.match(/new TransferError\(/g)?.length ?? 0),
      0,
    );
    const literal = files.reduce(
      (count, { text }) => count + (text.match(/new TransferError\(\s*'/g)?.length ?? 0),
      0,
    );
    expect(constructions).toBe(literal + dynamic.length);
  });

  it('holds every code the API layer answers with directly, with its status', () => {
    const answered = files.flatMap(({ file, text }) =>
      [...text.matchAll(/error: '([A-Z_]+)'/g)].map(([, code]) => ({ file, code })),
    );
    expect(answered.map(({ code }) => code)).toEqual(
      expect.arrayContaining(['REQUEST_TARGET_INVALID', 'RATE_LIMITED', 'INTERNAL_ERROR']),
    );
    // Body refusals name their status next to their code: `new BodyRefusal(413, 'REQUEST_BODY_TOO_LARGE'`.
    const refused = files.flatMap(({ text }) =>
      [...text.matchAll(/new BodyRefusal\(\s*(\d{3}),\s*'([A-Z_]+)'/g)].map(([, status, code]) => ({
        code,
        status: Number(status),
      })),
    );
    expect(refused.map(({ code }) => code)).toEqual(
      expect.arrayContaining(['REQUEST_BODY_TOO_LARGE', 'REQUEST_CONTENT_TYPE_UNSUPPORTED']),
    );
    for (const { code, status } of refused) {
      expect([code, isCatalogued(code) && ERROR_CATALOGUE[code].status]).toEqual([code, status]);
    }
    expect(answered.filter(({ code }) => !isCatalogued(code))).toEqual([]);
    // Body-parser answers name their status next to the code: `answer(413, { error: '…'`.
    for (const { text } of files) {
      for (const [, status, code] of text.matchAll(/answer\((\d{3}), \{\s*error: '([A-Z_]+)'/g)) {
        expect([code, isCatalogued(code) && ERROR_CATALOGUE[code].status]).toEqual([code, Number(status)]);
      }
    }
    expect(ERROR_CATALOGUE.RATE_LIMITED.status).toBe(429);
    expect(ERROR_CATALOGUE.NOT_FOUND.status).toBe(404); // the filter's answer for an unknown route
  });

  it('says each thing in one line, with an error status and an example message', () => {
    for (const code of ERROR_CODES) {
      const entry = ERROR_CATALOGUE[code];
      expect([code, entry.status >= 400 && entry.status < 600]).toEqual([code, true]);
      expect([code, /^[^\n]{10,120}$/.test(entry.meaning)]).toEqual([code, true]);
      expect([code, entry.example.length > 0 && !/[0-9]{9}/.test(entry.example)]).toEqual([code, true]);
    }
  });

  it('is the error table of docs/api-guide.md, code for code and status for status', () => {
    const guide = readFileSync(join(ROOT, 'docs', 'api-guide.md'), 'utf8');
    const rows = [...guide.matchAll(/^\|\s*(\d{3})\s*\|\s*`([A-Z_]+)`\s*\|/gm)].map(([, status, code]) => ({
      code,
      status: Number(status),
    }));
    expect(rows).toEqual(ERROR_CODES.map((code) => ({ code, status: ERROR_CATALOGUE[code].status })));
  });
});
