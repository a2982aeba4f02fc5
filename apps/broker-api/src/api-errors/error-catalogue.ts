import type { SignatureRefusalCode } from '@app/http-signing';
import type { ClientAuthenticationCode } from '@app/pki';
import type { TransitionRefusal } from '@app/transfers';

/** One code the broker can answer with: its HTTP status, what it means, and a message as the broker sends it. */
export interface ErrorCatalogueEntry {
  status: number;
  /** One line for the vendor's developer: what happened, and where to look. */
  meaning: string;
  /** A typical `message` for this code (real messages may name the field, limit or school involved). */
  example: string;
  /** Further fields of the example answer, for the codes that carry some. */
  details?: Record<string, unknown>;
}

/**
 * Every `error` code the vendor API answers with. The OpenAPI document, its per-route error responses and
 * docs/api-guide.md's table are generated from or checked against this list; `error-catalogue.spec.ts`
 * scans the sources so a new code cannot be thrown without being listed here.
 */
export const ERROR_CATALOGUE = {
  // Mutual TLS (client-authentication middleware, before routing): every path, /health and /docs included.
  CLIENT_CERTIFICATE_MISSING: {
    status: 401,
    meaning: 'No client certificate was presented on the TLS connection.',
    example:
      'No client certificate was presented. Connect with the client certificate and key the broker issued to your organisation (for curl: --cert and --key).',
  },
  CLIENT_CERTIFICATE_UNTRUSTED: {
    status: 401,
    meaning: 'The certificate is not issued by a CA in the broker’s trust store.',
    example:
      'The client certificate is not issued by a CA this broker trusts (TLS: UNABLE_TO_VERIFY_LEAF_SIGNATURE). Use the certificate the broker operator issued to your organisation.',
  },
  CLIENT_CERTIFICATE_EXPIRED: {
    status: 401,
    meaning: 'The certificate is past its notAfter.',
    example:
      'The client certificate expired on 2026-01-31T12:00:00.000Z. Ask the broker operator for a new certificate.',
  },
  CLIENT_CERTIFICATE_NOT_YET_VALID: {
    status: 401,
    meaning: 'The certificate is before its notBefore (check the system clock).',
    example:
      'The client certificate is not valid before 2026-09-01T00:00:00.000Z. Check your system clock, or wait until the certificate’s start date.',
  },
  CLIENT_CERTIFICATE_REVOKED: {
    status: 401,
    meaning: 'The certificate is on the CRL, or revoked in the broker’s registry.',
    example:
      'The client certificate with serial 3ada51c2 has been revoked. Ask the broker operator for a new one.',
  },
  CLIENT_CERTIFICATE_NOT_REGISTERED: {
    status: 401,
    meaning: 'The certificate is trusted, but bound to no vendor or auditor.',
    example:
      'The client certificate (SHA-256 a2de…) is issued by a trusted CA but is not registered to any vendor or auditor. Ask the broker operator to bind it to your registration.',
  },
  REVOCATION_STATUS_UNAVAILABLE: {
    status: 503,
    meaning: 'The broker has no current revocation list for its own CA, so it admits nobody; its problem.',
    example:
      'The broker cannot check your certificate against a current revocation list (TLS: CRL_HAS_EXPIRED). This is a problem on the broker side; contact the broker operator.',
  },

  // RFC 9421 signatures (request-signature guard): every route not marked public (all but /health, /docs).
  SIGNATURE_MISSING: {
    status: 401,
    meaning: 'The request has no Signature and Signature-Input headers.',
    example:
      'The request is not signed. Sign it with the key of your client certificate (RFC 9421): send Signature-Input and Signature headers, with keyid set to the SHA-256 fingerprint of the certificate.',
  },
  SIGNATURE_INVALID: {
    status: 401,
    meaning: 'The signature is unreadable, claims another algorithm than the key’s, or does not verify.',
    example:
      'The signature "sig" does not verify with the certificate’s key. Sign the request exactly as sent (method, the absolute target URI, covered headers) with the algorithm of your key (ecdsa-p256-sha256 for P-256, rsa-pss-sha512 for RSA).',
  },
  SIGNATURE_KEY_MISMATCH: {
    status: 401,
    meaning: 'No signature has keyid = the SHA-256 fingerprint of the presented certificate.',
    example:
      'No signature has keyid "a2de…", the SHA-256 fingerprint of the certificate the request must be signed with (found keyid 9f1c…).',
  },
  SIGNATURE_COMPONENTS_MISSING: {
    status: 401,
    meaning:
      'The signature leaves out @method, @target-uri, content-digest or content-type (body), created or nonce.',
    example: 'The signature "sig" does not cover "@target-uri" and nonce. Add them to its Signature-Input.',
  },
  SIGNATURE_EXPIRED: {
    status: 401,
    meaning:
      '`created` is over SIGNATURE_MAX_AGE_SECONDS old, over 60 s ahead, or before the replay protection last started.',
    example:
      'The signature was created 412 s ago; signatures are accepted up to 300 s old. Sign every request when you send it, and check your clock (NTP).',
  },
  SIGNATURE_REPLAYED: {
    status: 401,
    meaning: 'The nonce was already used with this certificate.',
    example:
      'A request with this nonce was already accepted from this certificate in the last 360 s. Sign every request anew with a fresh random nonce; do not resend a signed request as it is.',
  },
  CONTENT_DIGEST_MISSING: {
    status: 401,
    meaning: 'A body without a (readable sha-256 or sha-512) Content-Digest header.',
    example:
      'The request has no Content-Digest header. Add `Content-Digest: sha-256=:<base64 of the SHA-256 of the body>:` (RFC 9530) and cover "content-digest" in the signature.',
  },
  CONTENT_DIGEST_MISMATCH: {
    status: 401,
    meaning: 'The Content-Digest is not the digest of the bytes that arrived.',
    example:
      'The sha-256 Content-Digest does not match the body that arrived. Compute it over the exact bytes you send, after any serialisation and compression.',
  },

  // Node's HTTP parser, before any request exists (no signature: nothing to bind it to).
  REQUEST_MALFORMED: {
    status: 400,
    meaning:
      'Not valid HTTP/1.1: a broken request line, header or framing (e.g. Transfer-Encoding with Content-Length).',
    example: 'The request is not valid HTTP/1.1 (request line, headers or framing); nothing was done.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    meaning: 'The headers or the whole request did not arrive within the server’s time limits.',
    example: 'The request did not arrive in time; the connection is closed. Send it again.',
  },
  REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    meaning: 'The request headers together are larger than 16 KiB.',
    example: 'The request headers are larger than the 16384 bytes accepted; send fewer or shorter ones.',
  },

  // The request line (after authentication, before routing).
  REQUEST_TARGET_INVALID: {
    status: 400,
    meaning:
      'An absolute-form request target naming another authority than the Host header, or more than one Host header.',
    example:
      'The request target names another host or scheme than the Host header. Send the path only (origin form), e.g. GET /v1/whoami.',
  },

  // Body parsing (after authentication, before routing).
  REQUEST_CONTENT_TYPE_UNSUPPORTED: {
    status: 415,
    meaning:
      'A body without Content-Type, or another than application/json, application/xml or a declaration’s type.',
    example:
      'A body needs Content-Type application/json (commands), application/xml (dossiers) or, for a consent declaration, application/pdf, image/png, image/jpeg; none was given. Nothing was stored.',
  },
  REQUEST_BODY_NOT_JSON: {
    status: 400,
    meaning: 'A body sent as application/json that is not valid JSON.',
    example: 'The body is not valid JSON; send a JSON object with Content-Type: application/json.',
  },
  REQUEST_BODY_INCOMPLETE: {
    status: 400,
    meaning: 'The body ended before its announced Content-Length.',
    example: 'The body ended before its announced length; send it again.',
  },
  REQUEST_BODY_TOO_LARGE: {
    status: 413,
    meaning: 'The body exceeds API_MAX_JSON_BYTES (JSON, 64 KB) or API_MAX_DOSSIER_BYTES (XML, 20 MB).',
    example: 'The body is larger than the 65536 bytes this route accepts; nothing was stored.',
  },
  REQUEST_BODY_ENCODING_UNSUPPORTED: {
    status: 415,
    meaning: 'A charset other than UTF-8, or a Content-Encoding other than identity, gzip or deflate.',
    example: 'Send the body as UTF-8, without a content encoding other than identity, gzip or deflate.',
  },
  REQUEST_BODY_NOT_DECODABLE: {
    status: 400,
    meaning: 'A body that is not valid data of its Content-Encoding (gzip or deflate).',
    example: 'The body is not valid gzip data, as its Content-Encoding says; nothing was stored.',
  },

  // Request budget (guard, before the signature check).
  RATE_LIMITED: {
    status: 429,
    meaning: 'Your organisation exceeded API_RATE_LIMIT_PER_MINUTE; wait the seconds in Retry-After.',
    example: 'More than 600 requests in 60 s from your organisation; retry after 12 s (see Retry-After).',
  },

  // Input checks of the vendor API.
  REQUEST_INVALID: {
    status: 400,
    meaning: 'The JSON body or query does not fit the route’s schema (missing, unknown or mistyped field).',
    example: 'body: sourceSchool: Required.',
  },
  DOSSIER_CONTENT_TYPE: {
    status: 400,
    meaning: 'A dossier sent with another Content-Type than application/xml (or text/xml).',
    example: 'Send the dossier as the request body with Content-Type: application/xml.',
  },
  PUPIL_KEY_INVALID: {
    status: 400,
    meaning:
      'pupil needs exactly one of bsn (9 digits, elfproef) or onderwijsnummer (9 digits), and geboortedatum YYYY-MM-DD.',
    example: 'pupil: give exactly one of bsn and onderwijsnummer.',
  },
  SCHOOL_CODE_INVALID: {
    status: 400,
    meaning: 'A school code that is not a BRIN (two digits, two letters) plus a two-digit vestiging.',
    example:
      'sourceSchool: "school" is not a school code: expected a BRIN of two digits and two capitals followed by a two-digit vestiging, e.g. 12AB00',
  },
  SAME_SCHOOL: {
    status: 400,
    meaning: 'targetSchool and sourceSchool are the same school.',
    example: 'targetSchool and sourceSchool are the same school.',
  },
  CURSOR_INVALID: {
    status: 400,
    meaning: 'cursor is not a nextCursor this broker handed out.',
    example: 'cursor is not one this broker handed out.',
  },
  AUDIT_FILTER_INVALID: {
    status: 400,
    meaning: 'An auditor query’s filter or limit cannot match the log (a bad time, school code, id or type).',
    example: 'school must be a school code (BRIN + vestiging), e.g. 12AB00.',
  },
  LOG_TREE_SIZE_OUT_OF_RANGE: {
    status: 400,
    meaning: 'A consistency proof needs 1 ≤ from ≤ to ≤ the latest checkpoint’s tree size.',
    example: 'The latest checkpoint covers 120 entries; there is no proof for a tree of 200.',
  },

  // Who may do what.
  VENDOR_ONLY: {
    status: 403,
    meaning: 'An auditor’s certificate on a transfer route; only LAS vendors take part in transfers.',
    example: 'Only LAS vendors take part in transfers; auditors read the log.',
  },
  AUDITOR_ONLY: {
    status: 403,
    meaning: 'A vendor’s certificate on an auditor route; the auditor API is for auditor certificates.',
    example: 'Only auditors query the exchange log here; vendors prove their own entries under /v1/log.',
  },
  SCHOOL_NOT_MANDATED: {
    status: 403,
    meaning: 'The school has not mandated your organisation for this side (receiving or sending).',
    example: 'School 01XZ00 has not mandated you to act as its receiving side.',
  },
  ROLE_NOT_ALLOWED: {
    status: 403,
    meaning: 'You are one side of the transfer, but this step belongs to the other side.',
    example: 'Only the receiving school’s vendor may do this.',
  },
  AUDIT_PAGE_CROSS_SITE: {
    status: 403,
    meaning:
      'The auditor page refuses what another site makes the browser send, but a link to the page (Sec-Fetch-*).',
    example:
      'The auditor page answers only requests it makes itself: another site may link to the page (/audit), but not load its files or data.',
  },
  TRANSFER_NOT_FOUND: {
    status: 404,
    meaning: 'No transfer with this id for the schools that mandated you (whether or not it exists).',
    example: 'No transfer with this id for the schools that mandated you.',
  },
  NOT_FOUND: {
    status: 404,
    meaning: 'No such route (path or method); the vendor API lives under /v1/.',
    example: 'No such route. The vendor API lives under /v1/.',
  },
  LOG_ENTRY_NOT_FOUND: {
    status: 404,
    meaning:
      'No exchange log entry with this id about a school that mandates you (whether or not it exists).',
    example: 'No exchange log entry with this id about a school that mandates you.',
  },
  AUDIT_TRANSFER_NOT_FOUND: {
    status: 404,
    meaning: 'No transfer with this id about a school in your scope (whether or not it exists).',
    example: 'No transfer with this id about a school in your scope (whether or not it exists).',
  },
  VERSION_NOT_FOUND: {
    status: 404,
    meaning: 'No version with this versionHash for the transfer’s pupil, or at a school you may send for.',
    example:
      'No dossier version with this versionHash (its canonicalSha256) for this transfer’s pupil at its sending school; nothing was retracted.',
  },
  ATTACHMENT_NOT_IN_DOSSIER: {
    status: 404,
    meaning: 'The version has no attachment with this number (numbered from 1, as its rendering lists them).',
    example:
      'The dossier has no attachment 3. Attachments are numbered from 1 in document order, as the rendering lists them.',
  },

  // The transfer's state.
  DECLARATION_NOT_RECORDED: {
    status: 404,
    meaning: 'No consent record with a declaration (sha256, mediaType) with this id on this transfer.',
    example: 'No consent record with a declaration (sha256 and mediaType) with this id on this transfer.',
  },
  DECLARATION_NOT_STORED: {
    status: 404,
    meaning: 'No document stored for this consent record: never uploaded, or destroyed with its version.',
    example: 'No document is stored for this consent record (never uploaded, or destroyed with its version).',
  },
  TRANSFER_ALREADY_OPEN: {
    status: 409,
    meaning: 'An open transfer for this pupil between these schools exists; its id is in transferId.',
    example:
      'There is already an open transfer for this pupil from 00YY00 to 01XZ00: 5b0e7c1e-8a4f-4f0e-9d55-0c8b7f1e2a31.',
    details: { transferId: '5b0e7c1e-8a4f-4f0e-9d55-0c8b7f1e2a31' },
  },
  TRANSFER_STATE_CONFLICT: {
    status: 409,
    meaning: 'Not possible in the transfer’s current state (e.g. staging after release, receipt before it).',
    example: 'The transfer is withdrawn; a dossier can only be staged before it is released.',
  },
  TRANSFER_ACTOR_NOT_ALLOWED: {
    status: 409,
    meaning: 'The lifecycle does not let this party take this step (a safeguard behind ROLE_NOT_ALLOWED).',
    example: 'Cannot acknowledge receipt a transfer that is requested.',
  },
  MATCH_NOT_APPROVED: {
    status: 409,
    meaning:
      'The version was staged ahead and matched; approve the match (name this school) before recording evidence.',
    example:
      'The current version was staged ahead and matched to this request; you have not named this receiving school yet. Approve the match first (POST /v1/transfers/{id}/match-approval with its versionHash), then record evidence; nothing was recorded.',
  },
  MATCH_NOT_AWAITING_APPROVAL: {
    status: 409,
    meaning: 'Only a transfer in `awaiting_approval` has a match to approve or refuse.',
    example:
      'The transfer is awaiting_evidence; only a transfer in awaiting_approval has a match to approve.',
  },
  MATCH_VERSION_MISMATCH: {
    status: 409,
    meaning:
      'versionHash is not the version matched to the transfer (a newer one may be staged), or its payload is gone.',
    example:
      'versionHash: is not the version matched to this transfer (see currentVersion.canonicalSha256 in your view of it; a newer version may have been staged since); nothing was changed.',
  },
  DOSSIER_NOT_RELEASED: {
    status: 409,
    meaning: 'The dossier can be fetched only once the transfer is released.',
    example: 'The transfer is awaiting_evidence; the dossier can be fetched once it is released.',
  },
  DOSSIER_PURGED: {
    status: 409,
    meaning:
      'The version’s content was destroyed (retention, retraction or recall); it cannot be read any more.',
    example: 'The dossier was purged after its retention period; it cannot be fetched any more.',
  },
  VERSION_ALREADY_RELEASED: {
    status: 409,
    meaning:
      'A released version cannot be retracted; stage a corrected version and send a recall notice instead.',
    example:
      'This version was released to a receiving school; it cannot be retracted. Stage a corrected version for that transfer and send a recall notice for this one (POST /v1/transfers/{id}/recall).',
  },
  VERSION_NOT_RELEASED: {
    status: 409,
    meaning: 'Only a version this transfer released can be recalled; before release, retract it instead.',
    example:
      'This transfer never released a version with this versionHash; only a released version can be recalled (before release, retract it: POST /v1/transfers/{id}/retraction).',
  },
  LOG_ENTRY_NOT_YET_INTEGRATED: {
    status: 409,
    meaning: 'The entry is not yet in a signed checkpoint (about a second); retry after Retry-After.',
    example: 'Entry 4711 is not yet in a signed checkpoint; ask again after 1 s (see Retry-After).',
  },

  // Content the broker cannot accept.
  UNKNOWN_SCHOOL: {
    status: 422,
    meaning: 'A well-formed school code that is not in the broker’s registry.',
    example: 'sourceSchool: no school 99ZZ00 is registered.',
  },
  DOSSIER_INVALID: {
    status: 422,
    meaning: 'The dossier breaks rules of the strict rule set; the findings are in errors and warnings.',
    example: 'The dossier breaks 1 rule(s) of the strict rule set; nothing was stored. See errors.',
    details: {
      errors: [
        {
          rule: 'OVa.IZ02',
          path: '/dossier/inzage/inzage',
          line: 33,
          message:
            'An overstapdossier may only be sent after the parents had inzage: set inzage/inzage to true.',
          messageNl:
            'Een overstapdossier mag pas worden verstuurd na inzage door de ouders: zet inzage/inzage op true.',
        },
      ],
      warnings: [],
    },
  },
  DOSSIER_PUPIL_KEY_MISSING: {
    status: 422,
    meaning: 'The dossier does not identify its pupil by bsn or onderwijsnummer plus geboortedatum.',
    example:
      'The dossier must identify the pupil by bsn or onderwijsnummer, plus geboortedatum, to be exchanged.',
  },
  PROFILE_MISMATCH: {
    status: 422,
    meaning:
      'The dossier’s profile or kind of transfer does not fit the sending or receiving school’s sector.',
    example: 'profile POPO goes to a PO school, but the receiving school is VO.',
  },
  DOSSIER_SCHOOL_MISMATCH: {
    status: 422,
    meaning: 'The dossier’s school (huidigeschool) is not the transfer’s sending school.',
    example: 'The dossier is from 03CD00, but the transfer asks for a dossier from another school.',
  },
  EVIDENCE_INVALID: {
    status: 400,
    meaning:
      'The evidence body does not fit its kind (unknown kind or field, an impossible date, a `ref` that is not a short label).',
    example:
      'evidence: by.ref: must be a short label such as "ouder-1" (lowercase letters, digits, "-"; at most 32), never a name; nothing was recorded.',
  },
  EVIDENCE_PERSONAL_DATA: {
    status: 400,
    meaning:
      'A value in the evidence looks like a BSN or onderwijsnummer (nine digits): the broker does not take it.',
    example:
      'evidence: remarks: holds nine digits in a row, which looks like a BSN or onderwijsnummer; leave it out. Nothing was recorded.',
  },
  EVIDENCE_NOT_FOR_THIS_TRANSFER: {
    status: 422,
    meaning:
      'The evidence names another version than the transfer’s current one, or another school than its receiving school.',
    example:
      'versionHash: is not the transfer’s current version (see currentVersion.canonicalSha256); nothing was recorded.',
  },
  DECLARATION_MEDIA_TYPE_MISMATCH: {
    status: 422,
    meaning: 'A declaration upload whose Content-Type is not the media type its consent record names.',
    example:
      'Content-Type must be the media type the consent record names (application/pdf); nothing was stored.',
  },
  DECLARATION_HASH_MISMATCH: {
    status: 422,
    meaning: 'A declaration upload whose SHA-256 is not the declaration.sha256 its consent record names.',
    example:
      'The SHA-256 of the body is not the declaration.sha256 the consent record names; send exactly that document. Nothing was stored.',
  },
  DOSSIER_PUPIL_MISMATCH: {
    status: 422,
    meaning: 'The dossier’s pupil is not the pupil the transfer asks for.',
    example:
      'The dossier’s pupil (bsn or onderwijsnummer and geboortedatum) is not the pupil this transfer asks for.',
  },

  DOSSIER_TOO_COMPLEX: {
    status: 422,
    meaning: 'Validating the dossier needed more memory than one validation may use; nothing was stored.',
    example:
      'Validating the dossier needed more memory than one validation may use; nothing was stored. It holds too many elements, or breaks too many rules, to be judged: send fewer elements, or correct it.',
  },
  VERZORGER_NOT_IN_DOSSIER: {
    status: 422,
    meaning: 'form=for-verzorger names a position at which the dossier has no verzorger (counted from 1).',
    example:
      "verzorger: the dossier has no verzorger at position 3. Count the dossier's verzorger elements from 1, in document order.",
  },

  // A school board's instructions (#11): recorded by the vendor that acts for the board.
  BOARD_INSTRUCTION_INVALID: {
    status: 400,
    meaning: 'A board instruction that does not fit its route (bevoegd gezag, fields, decision date).',
    example:
      'decidedOn: must be the date of the board’s decision, a real calendar date YYYY-MM-DD; nothing was recorded.',
  },
  BOARD_NOT_MANDATED: {
    status: 403,
    meaning: 'You lack a sending mandate from every school of the board (to record) or any (to read).',
    example:
      'You act for board 41999 only with a sending mandate from each of its 3 registered schools; 1 of them has not given you one (e.g. 05EF00). Nothing was recorded.',
  },
  BOARD_NOT_FOUND: {
    status: 404,
    meaning: 'No registered school has this bevoegd gezag, so the board has nothing to instruct here.',
    example:
      'No school of board 41999 is registered at this broker; its instructions have nothing to apply to.',
  },
  RELEASE_POLICY_UNKNOWN: {
    status: 422,
    meaning: 'The policy id and version are not among the release gate’s policies (see the API guide).',
    example:
      'policy: "wvo-art-103b" version 2 is not a release policy this broker knows; nothing was recorded.',
  },
  RETENTION_TERM_OUT_OF_RANGE: {
    status: 422,
    meaning: 'A retention term outside the broker’s bounds (BOARD_RETENTION_MIN/MAX_MONTHS).',
    example: 'afterReleaseMonths: must be a whole number of months from 12 to 120; nothing was recorded.',
  },

  // The broker is busy: nothing was changed; retry after the seconds in Retry-After.
  VALIDATION_CAPACITY_EXHAUSTED: {
    status: 503,
    meaning: 'Too many of your dossiers (or of all) wait for validation; retry after Retry-After.',
    example:
      'Your organisation already has the most dossiers waiting for validation that it may; nothing was stored. Send fewer at once and retry after 5 s (see Retry-After).',
  },
  RENDERING_CAPACITY_EXHAUSTED: {
    status: 503,
    meaning: 'Too many renderings of yours (or of all) are running or waiting; retry after Retry-After.',
    example:
      'Your organisation already has the most renderings running or waiting that it may. Fetch fewer at once and retry after 2 s (see Retry-After).',
  },
  TRANSFER_LINE_BUSY: {
    status: 503,
    meaning: 'Another request for this pupil at this school held it too long; retry after Retry-After.',
    example:
      'Another request for this pupil at this school is being handled; nothing was changed. Retry after 2 s (see Retry-After).',
  },
  LOG_CHECKPOINT_NOT_YET_MADE: {
    status: 503,
    meaning: 'The exchange log has no signed checkpoint yet (none before its first entries); retry.',
    example:
      'The exchange log has no signed checkpoint yet (it makes one once entries arrive); ask again after 1 s (see Retry-After).',
  },
  DATABASE_BUSY: {
    status: 503,
    meaning: 'The broker had no free database connection in time; nothing was changed; retry later.',
    example:
      'The broker is too busy to handle this request now; nothing was changed. Retry after 2 s (see Retry-After).',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    meaning:
      'The broker cannot reach its database now (an outage); nothing was changed; retry after Retry-After.',
    example:
      'The broker cannot reach its database now; nothing was changed. Retry after 5 s (see Retry-After).',
  },
  REDIS_UNAVAILABLE: {
    status: 503,
    meaning:
      'The broker cannot reach Redis (nonces, rate limits) now (an outage); nothing was changed; retry after Retry-After.',
    example:
      "The broker cannot reach Redis now, so it cannot check this request's signature nonce; nothing was changed. Retry after 2 s (see Retry-After).",
  },

  // Idempotency-Key (#14): the routes that create something, when the vendor sends the header.
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    meaning: 'The Idempotency-Key header is not 1 to 255 visible ASCII characters (or sent twice).',
    example:
      'The Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces, quotes or backslashes), sent once; a UUID is a good key. Nothing was done.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    meaning: 'The key was used before for another request (method, path or body); nothing was done.',
    example:
      'This Idempotency-Key was used for another request (a different method, path or body) within the last 24 h; nothing was done. Use a new key for a new request.',
  },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    meaning: 'The first request with this key is still being handled; retry after Retry-After.',
    example:
      'The first request with this Idempotency-Key is still being handled; nothing was done again. Retry after 4 s (see Retry-After) for its answer.',
  },
  IDEMPOTENCY_ANSWER_LOST: {
    status: 409,
    meaning: 'The key’s request was carried out, but its answer was lost in a crash; read the result.',
    example:
      'The request with this Idempotency-Key was carried out, but the broker instance handling it stopped before its answer was stored; nothing was done again. Read the result (GET /v1/transfers, or the X-Log-Entry entries of your other answers).',
  },

  INTERNAL_ERROR: {
    status: 500,
    meaning: 'The broker could not handle the request (nothing was changed); retry later.',
    example: 'The broker could not handle this request; nothing was changed.',
  },
} as const satisfies Record<string, ErrorCatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/**
 * The codes of the libraries' own unions, as records so the compiler insists on every member: a code
 * added to one of these unions breaks the build until it is catalogued and placed in a group here.
 */
const CERTIFICATE_CODES: Record<ClientAuthenticationCode, true> = {
  CLIENT_CERTIFICATE_MISSING: true,
  CLIENT_CERTIFICATE_UNTRUSTED: true,
  CLIENT_CERTIFICATE_EXPIRED: true,
  CLIENT_CERTIFICATE_NOT_YET_VALID: true,
  CLIENT_CERTIFICATE_REVOKED: true,
  CLIENT_CERTIFICATE_NOT_REGISTERED: true,
  REVOCATION_STATUS_UNAVAILABLE: true,
};
const SIGNATURE_CODES: Record<Exclude<SignatureRefusalCode, `CONTENT_DIGEST_${string}`>, true> = {
  SIGNATURE_MISSING: true,
  SIGNATURE_INVALID: true,
  SIGNATURE_KEY_MISMATCH: true,
  SIGNATURE_COMPONENTS_MISSING: true,
  SIGNATURE_EXPIRED: true,
  SIGNATURE_REPLAYED: true,
};
const DIGEST_CODES: Record<Extract<SignatureRefusalCode, `CONTENT_DIGEST_${string}`>, true> = {
  CONTENT_DIGEST_MISSING: true,
  CONTENT_DIGEST_MISMATCH: true,
};
const TRANSITION_CODES: Record<TransitionRefusal, true> = {
  TRANSFER_STATE_CONFLICT: true,
  TRANSFER_ACTOR_NOT_ALLOWED: true,
};

const codesOf = <T extends ErrorCode>(record: Record<T, true>): T[] => Object.keys(record) as T[];

/** Groups of codes that come from one layer, so a route's error list names layers, not every code. */
export const ERROR_GROUPS = {
  /** Any request, to any path: mutual TLS is checked before routing. */
  certificate: codesOf(CERTIFICATE_CODES),
  /** Any /v1 request. */
  signature: codesOf(SIGNATURE_CODES),
  /** Any /v1 request with a body. */
  contentDigest: codesOf(DIGEST_CODES),
  /** A route that reads a JSON body. */
  jsonBody: [
    'REQUEST_CONTENT_TYPE_UNSUPPORTED',
    'REQUEST_BODY_NOT_JSON',
    'REQUEST_BODY_INCOMPLETE',
    'REQUEST_BODY_TOO_LARGE',
    'REQUEST_BODY_ENCODING_UNSUPPORTED',
    'REQUEST_BODY_NOT_DECODABLE',
  ],
  /** A route that reads a dossier (application/xml). */
  xmlBody: [
    'REQUEST_CONTENT_TYPE_UNSUPPORTED',
    'REQUEST_BODY_INCOMPLETE',
    'REQUEST_BODY_TOO_LARGE',
    'REQUEST_BODY_ENCODING_UNSUPPORTED',
    'REQUEST_BODY_NOT_DECODABLE',
  ],
  /** The transfer lifecycle's refusals (`nextState`). */
  transition: codesOf(TRANSITION_CODES),
} satisfies Record<string, ErrorCode[]>;
