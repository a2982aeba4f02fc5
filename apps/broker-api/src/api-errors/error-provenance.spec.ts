import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { ERROR_CODES, ErrorCode } from './error-catalogue';

/**
 * Every catalogued code can happen, not only be documented: each names the test that provokes it and
 * asserts it. `via: 'api'` tests get the code from the running broker; `via: 'layer'` ones from the
 * layer below, for the codes no single request can force (a safeguard, an exhausted connection pool).
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const MUTUAL_TLS = 'apps/broker-api/src/client-authentication/mutual-tls.int-spec.ts';
const SIGNED = 'apps/broker-api/src/message-signatures/signed-requests.int-spec.ts';
const BODIES = 'apps/broker-api/src/request-bodies/request-bodies.int-spec.ts';
const EXCHANGE = 'apps/broker-api/src/transfers/exchange.int-spec.ts';
const PROMISES = 'apps/broker-api/src/transfers/documented-promises.int-spec.ts';
const HTTP_EDGE = 'test/attacks/http-edge.int-spec.ts';
const FAIRNESS = 'test/attacks/fairness.int-spec.ts';
const LOG_PROOFS = 'apps/broker-api/src/exchange-log/log-proofs.int-spec.ts';
const AUDIT_QUERIES = 'apps/broker-api/src/audit/audit-queries.int-spec.ts';
const AUDIT_API = 'apps/broker-api/src/audit/audit-api.int-spec.ts';
const EVIDENCE = 'apps/broker-api/src/transfers/evidence.int-spec.ts';
const RETRACTION = 'apps/broker-api/src/transfers/retraction.int-spec.ts';
const BOARDS = 'apps/broker-api/src/boards/board-instructions.int-spec.ts';
const RECALL = 'apps/broker-api/src/transfers/recall.int-spec.ts';
const MATCHES = 'apps/broker-api/src/transfers/match-approval.int-spec.ts';
const DECLARATIONS = 'apps/broker-api/src/transfers/consent-declaration.int-spec.ts';
const RENDERING = 'apps/broker-api/src/transfers/rendering.int-spec.ts';
const IDEMPOTENCY = 'apps/broker-api/src/idempotency/idempotency.int-spec.ts';

interface Provenance {
  file: string;
  test: string;
  via: 'api' | 'layer';
}

const api = (file: string, test: string): Provenance => ({ file, test, via: 'api' });

const PROVOKED_BY: Record<ErrorCode, Provenance> = {
  CLIENT_CERTIFICATE_MISSING: api(MUTUAL_TLS, 'refuses a client without a certificate'),
  CLIENT_CERTIFICATE_UNTRUSTED: api(
    MUTUAL_TLS,
    'refuses a certificate from a foreign CA, even one naming a registered vendor',
  ),
  CLIENT_CERTIFICATE_EXPIRED: api(MUTUAL_TLS, 'refuses an expired certificate'),
  CLIENT_CERTIFICATE_NOT_YET_VALID: api(MUTUAL_TLS, 'refuses a certificate that is not valid yet'),
  CLIENT_CERTIFICATE_REVOKED: api(
    MUTUAL_TLS,
    'refuses a certificate from the moment `oso pki revoke` revokes it, without a restart',
  ),
  CLIENT_CERTIFICATE_NOT_REGISTERED: api(
    MUTUAL_TLS,
    'refuses a certificate from our CA that is bound to no registry entry',
  ),
  REVOCATION_STATUS_UNAVAILABLE: api(
    MUTUAL_TLS,
    'locks everyone out with a distinct code while the CRL has expired, and lets them in once it is fresh',
  ),
  SIGNATURE_MISSING: api(SIGNED, 'refuses an unsigned request'),
  SIGNATURE_INVALID: api(
    SIGNED,
    'refuses a body changed after signing, and a signature over another method or path',
  ),
  SIGNATURE_KEY_MISMATCH: api(
    SIGNED,
    'refuses a request signed with another key than the presented certificate’s',
  ),
  SIGNATURE_COMPONENTS_MISSING: api(
    HTTP_EDGE,
    'requires a body’s Content-Type to be covered by the signature',
  ),
  SIGNATURE_EXPIRED: api(SIGNED, 'refuses a signature older than SIGNATURE_MAX_AGE_SECONDS'),
  SIGNATURE_REPLAYED: api(SIGNED, 'refuses a replayed request, and accepts the same call signed anew'),
  CONTENT_DIGEST_MISSING: api(SIGNED, 'refuses a body without a Content-Digest covered by the signature'),
  CONTENT_DIGEST_MISMATCH: api(
    BODIES,
    'stages a gzip dossier: the digest covers the compressed bytes, the version is the XML inside',
  ),
  REQUEST_MALFORMED: api(
    HTTP_EDGE,
    'answers a request that is not HTTP/1.1 with 400 REQUEST_MALFORMED, as JSON',
  ),
  REQUEST_TIMEOUT: api(
    BODIES,
    'answers 408 REQUEST_TIMEOUT, as JSON, to a client whose headers never finish',
  ),
  REQUEST_HEADERS_TOO_LARGE: api(
    HTTP_EDGE,
    'answers header floods with 431 and keeps serving another vendor',
  ),
  REQUEST_TARGET_INVALID: api(
    HTTP_EDGE,
    'refuses an absolute-form target naming another host, signed or not',
  ),
  REQUEST_CONTENT_TYPE_UNSUPPORTED: api(
    HTTP_EDGE,
    'refuses a body of another or no media type with 415, not as a digest mismatch',
  ),
  REQUEST_BODY_NOT_JSON: api(EXCHANGE, 'malformed JSON'),
  REQUEST_BODY_INCOMPLETE: api(
    BODIES,
    'answers 400 REQUEST_BODY_INCOMPLETE when the client stops before its Content-Length',
  ),
  REQUEST_BODY_TOO_LARGE: api(EXCHANGE, 'a JSON body over API_MAX_JSON_BYTES'),
  REQUEST_BODY_ENCODING_UNSUPPORTED: api(
    BODIES,
    'refuses other content codings and charsets with 415 REQUEST_BODY_ENCODING_UNSUPPORTED, storing nothing',
  ),
  REQUEST_BODY_NOT_DECODABLE: api(
    HTTP_EDGE,
    'refuses br and unknown codings with 415, and broken gzip with 400',
  ),
  RATE_LIMITED: api(
    'apps/broker-api/src/rate-limits/vendor-rate-limit.int-spec.ts',
    'answers 429 RATE_LIMITED past the budget, counted per vendor, not per certificate',
  ),
  REQUEST_INVALID: api(
    PROMISES,
    'serves a page of up to 200 (default 50) and refuses limit=201 with 400 REQUEST_INVALID',
  ),
  DOSSIER_CONTENT_TYPE: api(EXCHANGE, 'a dossier sent as JSON'),
  PUPIL_KEY_INVALID: api(EXCHANGE, 'a BSN failing the elfproef'),
  SCHOOL_CODE_INVALID: api(EXCHANGE, 'a malformed school code'),
  SAME_SCHOOL: api(EXCHANGE, 'the same school on both sides'),
  CURSOR_INVALID: api(EXCHANGE, 'a bad cursor'),
  VENDOR_ONLY: api(EXCHANGE, 'keeps auditors out of transfers'),
  SCHOOL_NOT_MANDATED: api(
    PROMISES,
    'leaves the vendor unable to act for the school from its end on: 403 for new steps, 404 for its transfers',
  ),
  ROLE_NOT_ALLOWED: api(EXCHANGE, 'lets each side do only its own part'),
  AUDIT_PAGE_CROSS_SITE: api(
    'apps/broker-api/src/audit-page/audit-page.int-spec.ts',
    'refuses what another site makes the auditor’s browser send with 403 AUDIT_PAGE_CROSS_SITE, logging no query',
  ),
  TRANSFER_NOT_FOUND: api(
    PROMISES,
    'leaves the vendor unable to act for the school from its end on: 403 for new steps, 404 for its transfers',
  ),
  NOT_FOUND: api(MUTUAL_TLS, 'asks for a certificate before revealing whether a path exists'),
  LOG_ENTRY_NOT_FOUND: api(
    LOG_PROOFS,
    'tells a vendor of none of the entry’s schools, and for an unknown id, 404 LOG_ENTRY_NOT_FOUND alike',
  ),
  TRANSFER_ALREADY_OPEN: api(EXCHANGE, 'refuses a second open request for the same pupil and schools'),
  TRANSFER_STATE_CONFLICT: api(EXCHANGE, 'lets the receiver withdraw its request'),
  // A safeguard: the routes check the side first (ROLE_NOT_ALLOWED), so only the lifecycle can refuse it.
  TRANSFER_ACTOR_NOT_ALLOWED: {
    file: 'libs/transfers/src/transfer-lifecycle.spec.ts',
    test: 'lets only the broker decide on release, and only the target acknowledge or withdraw',
    via: 'layer',
  },
  DOSSIER_NOT_RELEASED: api(EXCHANGE, 'keeps the dossier from the receiver until it is released'),
  DOSSIER_PURGED: api(PROMISES, 'answers 409 DOSSIER_PURGED once the payload is destroyed after retention'),
  LOG_ENTRY_NOT_YET_INTEGRATED: api(
    LOG_PROOFS,
    'answers 409 LOG_ENTRY_NOT_YET_INTEGRATED with Retry-After, then a proof that verifies with the log key',
  ),
  UNKNOWN_SCHOOL: api(EXCHANGE, 'an unknown school'),
  DOSSIER_INVALID: api(EXCHANGE, 'an invalid dossier'),
  DOSSIER_PUPIL_KEY_MISSING: api(EXCHANGE, 'a dossier without BSN or onderwijsnummer'),
  PROFILE_MISMATCH: api(EXCHANGE, 'a profile that does not fit the schools'),
  DOSSIER_SCHOOL_MISMATCH: api(EXCHANGE, 'a dossier from another school than the request’s'),
  DOSSIER_PUPIL_MISMATCH: api(EXCHANGE, 'a dossier for another pupil'),
  EVIDENCE_INVALID: api(EVIDENCE, 'an impossible date'),
  EVIDENCE_PERSONAL_DATA: api(EVIDENCE, 'a BSN in the remarks'),
  DECLARATION_NOT_RECORDED: api(
    DECLARATIONS,
    'refuses other bytes, another media type or a record without one',
  ),
  DECLARATION_NOT_STORED: api(
    DECLARATIONS,
    'stores the declaration sealed and gives it back to the sender only',
  ),
  DECLARATION_MEDIA_TYPE_MISMATCH: api(
    DECLARATIONS,
    'refuses other bytes, another media type or a record without one',
  ),
  DECLARATION_HASH_MISMATCH: api(
    DECLARATIONS,
    'refuses other bytes, another media type or a record without one',
  ),
  MATCH_NOT_APPROVED: api(MATCHES, 'refuses evidence until the sender approves the match'),
  MATCH_NOT_AWAITING_APPROVAL: api(MATCHES, 'refuses an approval with a wrong hash or in another state'),
  MATCH_VERSION_MISMATCH: api(MATCHES, 'refuses an approval with a wrong hash or in another state'),
  EVIDENCE_NOT_FOR_THIS_TRANSFER: api(
    EVIDENCE,
    'refuses evidence for another version or school (422), from the receiver (403), and records nothing',
  ),
  DOSSIER_TOO_COMPLEX: api(
    FAIRNESS,
    'answers a dossier too heavy for a thread’s memory with 422 DOSSIER_TOO_COMPLEX, stores nothing, and serves the next one',
  ),
  VALIDATION_CAPACITY_EXHAUSTED: api(
    FAIRNESS,
    'refuses staging beyond the line the same way, storing nothing',
  ),
  LOG_CHECKPOINT_NOT_YET_MADE: api(
    LOG_PROOFS,
    'answers 503 LOG_CHECKPOINT_NOT_YET_MADE, with Retry-After, while the log has no checkpoint',
  ),
  TRANSFER_LINE_BUSY: api(
    'test/attacks/staging-contention.int-spec.ts',
    'keeps one connection waiting for a held line, not the pool: other pupils are served meanwhile',
  ),
  // Through the API the pool outlasts the line-lock wait, so an exhausted pool is provoked below it.
  DATABASE_BUSY: {
    file: 'libs/transfers/src/database-busy.int-spec.ts',
    test: 'is answered DATABASE_BUSY with a Retry-After, and serves again once a connection is free',
    via: 'layer',
  },
  DATABASE_UNAVAILABLE: api(
    'apps/broker-api/src/health/health-dependencies.int-spec.ts',
    'answers 503 "down" when PostgreSQL refuses the broker’s database (vendors: DATABASE_UNAVAILABLE), and 200 once it admits it again',
  ),
  REDIS_UNAVAILABLE: api(
    'test/faults/broker-faults.e2e-spec.ts',
    'Redis restarted empty under load: 503 REDIS_UNAVAILABLE meanwhile, then every eligible transfer released exactly once',
  ),
  AUDITOR_ONLY: api(AUDIT_QUERIES, 'refuses vendors on every auditor route with 403 AUDITOR_ONLY'),
  AUDIT_TRANSFER_NOT_FOUND: api(
    AUDIT_QUERIES,
    'gives a transfer’s timeline to the auditors of its schools, and to nobody else',
  ),
  AUDIT_FILTER_INVALID: api(
    AUDIT_QUERIES,
    'filters by event type, actor, certificate and time, and refuses filters that cannot match',
  ),
  LOG_TREE_SIZE_OUT_OF_RANGE: api(
    AUDIT_API,
    'answers entry and consistency proofs against signed checkpoints, and refuses sizes beyond them',
  ),
  VERSION_NOT_FOUND: api(
    RETRACTION,
    'refuses what it cannot retract: an unknown hash, a released version, bad input',
  ),
  VERSION_ALREADY_RELEASED: api(
    RETRACTION,
    'refuses what it cannot retract: an unknown hash, a released version, bad input',
  ),
  BOARD_INSTRUCTION_INVALID: api(
    BOARDS,
    'refuses an impossible decision date, an unknown field and a malformed board number',
  ),
  BOARD_NOT_MANDATED: api(
    BOARDS,
    'refuses a vendor without a sending mandate from every school of the board',
  ),
  BOARD_NOT_FOUND: api(BOARDS, 'refuses a board with no registered school'),
  RELEASE_POLICY_UNKNOWN: api(BOARDS, 'refuses an unknown policy or version'),
  RETENTION_TERM_OUT_OF_RANGE: api(BOARDS, 'refuses a retention term outside the bounds'),
  VERSION_NOT_RELEASED: api(
    RECALL,
    'refuses to recall what was not released, and only the sender may recall',
  ),
  VERZORGER_NOT_IN_DOSSIER: api(
    RENDERING,
    'refuses a bad query (400), a verzorger the dossier lacks (422) and an attachment it lacks (404), recording nothing',
  ),
  ATTACHMENT_NOT_IN_DOSSIER: api(
    RENDERING,
    'refuses a bad query (400), a verzorger the dossier lacks (422) and an attachment it lacks (404), recording nothing',
  ),
  RENDERING_CAPACITY_EXHAUSTED: api(
    RENDERING,
    'refuses renderings beyond a vendor’s share with 503 and Retry-After, and serves other vendors meanwhile',
  ),
  IDEMPOTENCY_KEY_INVALID: api(
    IDEMPOTENCY,
    'refuses a malformed Idempotency-Key with 400 IDEMPOTENCY_KEY_INVALID, and reads a quoted one as bare',
  ),
  IDEMPOTENCY_KEY_REUSED: api(
    IDEMPOTENCY,
    'refuses the same key for another request with 422 IDEMPOTENCY_KEY_REUSED, doing nothing',
  ),
  IDEMPOTENCY_KEY_IN_FLIGHT: api(
    IDEMPOTENCY,
    'answers 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After while another attempt holds the key, and runs the retry once that attempt’s lease lapsed',
  ),
  IDEMPOTENCY_ANSWER_LOST: api(
    IDEMPOTENCY,
    'answers 409 IDEMPOTENCY_ANSWER_LOST when the first attempt committed but died before storing its answer',
  ),
  // A bug, by definition not provoked by any request: the filter's own test gives it an unexpected error.
  INTERNAL_ERROR: {
    file: 'apps/broker-api/src/api-errors/api-exception.filter.spec.ts',
    test: 'is 500 INTERNAL_ERROR without any of the error’s own text',
    via: 'layer',
  },
};

interface FoundTest {
  /** The test's own source: its call (`it('…', …)`), or its row of an `it.each` table. */
  text: string;
  /** The source of the function that runs it, where the assertions are. */
  body: string;
  skipped: boolean;
}

/** The tests a spec file declares by name: `it`/`test` calls and the rows of `it.each` tables. */
function testsOf(file: string): Map<string, FoundTest> {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found = new Map<string, FoundTest>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(source);
      const [first, runner] = node.arguments;
      if (/^(x?it|test)(\.(skip|only))?$/.test(callee) && first && ts.isStringLiteralLike(first)) {
        const text = node.getText(source);
        found.set(first.text, { text, body: text, skipped: /^x|\.skip$/.test(callee) });
      }
      const each = ts.isCallExpression(node.expression) ? node.expression : undefined;
      const table = each?.arguments[0];
      const eachCallee = each?.expression.getText(source) ?? '';
      if (
        /^(x?it|test)(\.(skip|only))?\.each$/.test(eachCallee) &&
        table &&
        ts.isArrayLiteralExpression(table)
      ) {
        for (const row of table.elements) {
          if (
            !ts.isArrayLiteralExpression(row) ||
            !row.elements[0] ||
            !ts.isStringLiteralLike(row.elements[0])
          ) {
            continue;
          }
          found.set(row.elements[0].text, {
            text: row.getText(source),
            body: runner?.getText(source) ?? '',
            skipped: /^x|\.skip\./.test(eachCallee),
          });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('every catalogued error code can happen', () => {
  it('names, for every code of the catalogue and no other, the test that provokes it', () => {
    expect(Object.keys(PROVOKED_BY).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES.map((code) => [code, PROVOKED_BY[code]] as const))(
    '%s is provoked and asserted by its test',
    (code, { file, test }) => {
      expect([code, file, existsSync(join(ROOT, file))]).toEqual([code, file, true]);
      const found = testsOf(file).get(test);
      expect([code, test, found !== undefined]).toEqual([code, test, true]);
      expect([code, 'skipped', found!.skipped]).toEqual([code, 'skipped', false]);
      // The code is written in the test itself (its call or its table row), and the test asserts.
      expect([code, found!.text.includes(`'${code}'`)]).toEqual([code, true]);
      expect([code, /\bexpect\(/.test(found!.body)]).toEqual([code, true]);
    },
  );
});
