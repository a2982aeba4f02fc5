import type { DossierFinding, DossierVerdict } from '@app/oso-dataset';
import { SCHOOL_SECTORS } from '@app/registry';
import {
  ACTOR_ROLES,
  CONSENT_DECISIONS,
  CONSENT_FORMS,
  EVIDENCE_KINDS,
  INZAGE_WAYS,
  NOTIFICATION_KINDS,
  RETRACTION_REASONS,
  RetractionResult,
  RecallNoticeView,
  StagingResult,
  TRANSFER_EVENTS,
  TRANSFER_REASONS,
  TRANSFER_STATES,
  TransferPage,
  TransferView,
} from '@app/transfers';
import type { MediaTypeObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { ERROR_CODES } from '../api-errors/error-catalogue';
import type { HealthReport } from '../health/health.service';
import type { EchoResponse } from '../message-signatures/echo.controller';
import type { LogEntryProof } from '../exchange-log/log-proofs.controller';
import type { WhoamiResponse } from '../whoami/whoami.controller';

/*
 * The JSON the vendor API reads and writes, as OpenAPI 3.1 schemas (JSON Schema), with examples typed
 * by the broker's own interfaces: an example that drifts from what a handler returns does not compile,
 * and the tests check every example against its schema. Examples are invented and carry no pupil:
 * the views never contain one, and request examples use a made-up onderwijsnummer, never a BSN.
 */

type Schema = SchemaObject | ReferenceObject;

export const ref = (name: keyof typeof API_SCHEMAS): ReferenceObject => ({
  $ref: `#/components/schemas/${name}`,
});

/** OpenAPI 3.1 spells "or null" as a union; @nestjs/swagger's types know only 3.0's `nullable`. */
const orNull = (schema: Schema, description?: string): SchemaObject => ({
  ...(description ? { description } : {}),
  oneOf: [schema, { type: 'null' }],
});

const string = (description: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  description,
  ...extra,
});
const timestamp = (description: string): SchemaObject => string(description, { format: 'date-time' });
const uuid = (description: string): SchemaObject => string(description, { format: 'uuid' });
const sha256 = (description: string): SchemaObject => string(description, { pattern: '^[0-9a-f]{64}$' });
const object = (properties: Record<string, Schema>, optional: string[] = []): SchemaObject => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  properties,
});

const SCHOOL_CODE_INPUT =
  'School code: BRIN (two digits, two letters) plus two-digit vestiging, e.g. `01XZ00` (case-insensitive).';

const pupilKey = object(
  {
    bsn: string('The pupil’s BSN: 9 digits passing the elfproef. Give either this or onderwijsnummer.'),
    onderwijsnummer: string('Without a BSN: the 9-digit onderwijsnummer.'),
    geboortedatum: string('Birth date, YYYY-MM-DD.', { format: 'date' }),
  },
  ['bsn', 'onderwijsnummer'],
);

export const API_SCHEMAS = {
  ErrorCode: {
    type: 'string',
    enum: ERROR_CODES,
    description: 'Stable error code; the error table in the API description says what each means.',
  },
  ApiError: {
    type: 'object',
    description:
      'Every error answer. Branch on `error`; show `message` to a developer. Some codes add facts: ' +
      '`DOSSIER_INVALID` the findings (`errors`, `warnings`, `findingsOmitted`), `TRANSFER_ALREADY_OPEN` ' +
      'the open `transferId`.',
    required: ['error', 'message'],
    properties: {
      error: { $ref: '#/components/schemas/ErrorCode' },
      message: string('What is wrong and what to do; never contains pupil data.'),
      errors: { type: 'array', items: { $ref: '#/components/schemas/DossierFinding' } },
      warnings: { type: 'array', items: { $ref: '#/components/schemas/DossierFinding' } },
      findingsOmitted: {
        type: 'integer',
        minimum: 0,
        description: 'With DOSSIER_INVALID: the findings beyond the 100 listed (errors first), usually 0.',
      },
      transferId: uuid('With TRANSFER_ALREADY_OPEN: the open transfer.'),
    },
  },
  PupilKey: {
    ...pupilKey,
    description:
      'Identifies the pupil: exactly one of `bsn` and `onderwijsnummer`, plus `geboortedatum`. The broker ' +
      'stores only a keyed hash of it.',
  },
  TransferRequest: object(
    {
      targetSchool: string(
        `The receiving school, which must mandate you as its receiving side. ${SCHOOL_CODE_INPUT}`,
      ),
      sourceSchool: string(`The sending school. ${SCHOOL_CODE_INPUT}`),
      pupil: { $ref: '#/components/schemas/PupilKey' },
      reason: orNull({ type: 'string', enum: [...TRANSFER_REASONS] }, 'Why the pupil moves (optional).'),
    },
    ['reason'],
  ),
  TransferLookup: object({
    sourceSchool: string(`Your sending school. ${SCHOOL_CODE_INPUT}`),
    pupil: { $ref: '#/components/schemas/PupilKey' },
  }),
  TransferState: {
    type: 'string',
    enum: [...TRANSFER_STATES],
    description:
      '`requested` → `dossier_staged` → `awaiting_evidence` (or `blocked`) → `release_queued` → `released` ' +
      '→ `received`; `withdrawn` or `expired` end it early, `purged` after retention. `awaiting_approval` ' +
      '(sending side only): a version staged ahead matched the request and waits for the sender to approve ' +
      'the match; the receiving side sees `requested`.',
  },
  SchoolView: object({
    code: string('BRIN + vestiging.', { pattern: '^[0-9]{2}[A-Z]{2}[0-9]{2}$' }),
    name: string('The school’s name in the registry.'),
    sector: { type: 'string', enum: [...SCHOOL_SECTORS] },
  }),
  DossierVersionView: object({
    id: uuid('The version’s id.'),
    version: { type: 'integer', minimum: 1, description: 'Its number in the pupil’s line at this school.' },
    profile: string('OSO profile, e.g. POVO, POPO, VOVO.'),
    overdrachtsoort: string('overstapdossier or overdrachtbinnenbrin.'),
    byteLength: { type: 'integer', minimum: 1 },
    contentSha256: sha256('SHA-256 of the bytes as staged (and as fetched).'),
    canonicalSha256: sha256('SHA-256 of the exclusive XML canonical form.'),
    warningCount: { type: 'integer', minimum: 0 },
    stagedAt: timestamp('When it was staged.'),
    purged: { type: 'boolean', description: 'True once its content was destroyed (retention).' },
  }),
  TransferHistoryEntry: object({
    event: { type: 'string', enum: ['request', ...TRANSFER_EVENTS] },
    from: orNull({ $ref: '#/components/schemas/TransferState' }),
    to: { $ref: '#/components/schemas/TransferState' },
    actor: { type: 'string', enum: ['target_vendor', 'source_vendor', 'broker'] },
    at: timestamp('When.'),
    versionId: orNull(uuid('The version the step concerned.')),
  }),
  NotificationStanding: object({
    kind: { type: 'string', enum: [...NOTIFICATION_KINDS], description: 'What the notification announces.' },
    state: {
      type: 'string',
      enum: ['delivered', 'pending', 'dead'],
      description: '`dead`: every attempt failed; poll your inbox instead (no further attempt is made).',
    },
    attempts: { type: 'integer', minimum: 0, description: 'Delivery attempts made so far.' },
  }),
  TransferView: object(
    {
      id: uuid('The transfer’s id.'),
      roles: {
        type: 'array',
        items: { type: 'string', enum: ['target', 'source'] },
        description: 'The sides you act on for this transfer.',
      },
      state: { $ref: '#/components/schemas/TransferState' },
      targetSchool: { $ref: '#/components/schemas/SchoolView' },
      sourceSchool: { $ref: '#/components/schemas/SchoolView' },
      reason: orNull({ type: 'string', enum: [...TRANSFER_REASONS] }),
      createdAt: timestamp('When it was requested.'),
      updatedAt: timestamp('Its last change of state.'),
      expiresAt: timestamp('Until when the request stays open without a release.'),
      currentVersion: orNull(
        { $ref: '#/components/schemas/DossierVersionView' },
        'The staged version it serves.',
      ),
      releasedVersion: {
        $ref: '#/components/schemas/DossierVersionView',
        description:
          'Once released: the version the receiver can fetch (differs from currentVersion while a correction waits).',
      },
      supersededVersionIds: {
        type: 'array',
        items: uuid('A version released earlier and superseded by a correction.'),
        description: 'Versions released before the one released now, oldest first (only with history).',
      },
      history: {
        type: 'array',
        items: { $ref: '#/components/schemas/TransferHistoryEntry' },
        description: 'Every step, oldest first; only in answers about one transfer (not in lists).',
      },
      notifications: {
        type: 'array',
        items: { $ref: '#/components/schemas/NotificationStanding' },
        description:
          'Webhook notifications about this transfer to you, oldest first; only in GET /v1/transfers/{id}. ' +
          'Empty without a registered webhook.',
      },
    },
    ['history', 'notifications', 'releasedVersion', 'supersededVersionIds'],
  ),
  TransferPage: object({
    items: { type: 'array', items: { $ref: '#/components/schemas/TransferView' } },
    nextCursor: orNull(string('Pass as `cursor` for the next page.'), 'null on the last page.'),
  }),
  TransferList: object({ items: { type: 'array', items: { $ref: '#/components/schemas/TransferView' } } }),
  DossierFinding: object(
    {
      rule: string(
        'Rule id (e.g. `OVa.IZ02`, `BRK.META.02`, `XSD`, or an input check such as `DOSSIER_EMPTY`).',
      ),
      path: string('Where in the dossier, e.g. `/dossier/inzage/inzage`.'),
      line: { type: 'integer', minimum: 1 },
      message: string('English.'),
      messageNl: string('Dutch.'),
    },
    ['line'],
  ),
  StagingResult: object({
    version: { $ref: '#/components/schemas/DossierVersionView' },
    transfers: {
      type: 'array',
      items: uuid('A transfer.'),
      description: 'The open requests this version now serves.',
    },
    warnings: { type: 'array', items: { $ref: '#/components/schemas/DossierFinding' } },
  }),
  VersionRetraction: object({
    versionHash: sha256('The version’s canonicalSha256 (as in its DossierVersionView).'),
    reason: { type: 'string', enum: [...RETRACTION_REASONS], description: 'Why it is taken back.' },
  }),
  StagedVersionRetraction: object({
    reason: { type: 'string', enum: [...RETRACTION_REASONS], description: 'Why it is taken back.' },
  }),
  RetractionResult: object({
    versionHash: sha256('The retracted content’s canonicalSha256.'),
    reason: { type: 'string', enum: [...RETRACTION_REASONS] },
    versions: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      description:
        'The version numbers in the pupil’s line with this content; all retracted, keys destroyed.',
    },
    retractedAt: timestamp('When they were retracted.'),
    transfers: {
      type: 'array',
      items: uuid('A transfer.'),
      description: 'Open transfers that were served the version and now wait for a dossier (`requested`).',
    },
  }),
  RecallNotice: object({
    noticeId: uuid('The notice’s id.'),
    transferId: uuid('The transfer.'),
    sourceSchool: string('The sending school (BRIN + vestiging).'),
    targetSchool: string('The receiving school (BRIN + vestiging).'),
    versionHash: sha256('canonicalSha256 of the recalled version.'),
    reason: { type: 'string', enum: [...RETRACTION_REASONS] },
    issuedAt: timestamp('When the broker issued it.'),
    notice: string(
      'The canonical JSON the broker signed (keys sorted, no whitespace, UTF-8): the facts above plus `type`.',
    ),
    signature: object({
      algorithm: string(
        'RFC 9421 algorithm name of the broker key, e.g. ecdsa-p256-sha256 or rsa-pss-sha512.',
      ),
      keyId: sha256('SHA-256 fingerprint of the broker’s certificate.'),
      value: string('The signature over the bytes of `notice`, base64.'),
    }),
  }),
  RecallNoticeList: object({
    items: { type: 'array', items: { $ref: '#/components/schemas/RecallNotice' } },
  }),
  DossierVerdict: object({
    valid: { type: 'boolean' },
    ruleSet: { type: 'string', enum: ['strict', 'official'] },
    profile: orNull(string('OSO profile, once the dossier could be read.')),
    errors: { type: 'array', items: { $ref: '#/components/schemas/DossierFinding' } },
    warnings: { type: 'array', items: { $ref: '#/components/schemas/DossierFinding' } },
    findingsOmitted: {
      type: 'integer',
      minimum: 0,
      description:
        'At most 100 findings are listed (errors first); this counts the further errors and warnings, usually 0.',
    },
    facts: orNull(
      object({
        profile: string('OSO profile.'),
        overdrachtsoort: string('Kind of transfer.'),
        categories: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'The categorie_uitlevering table: category → VERPLICHT, OPTIONEEL, VERBODEN, …',
        },
      }),
      'What the broker read from a readable dossier, without the pupil.',
    ),
  }),
  EchoResponse: object({
    keyId: sha256('The keyid the broker verified: your certificate’s SHA-256 fingerprint.'),
    label: string('The signature’s label in Signature-Input.'),
    algorithm: string('The algorithm it was verified with, e.g. ecdsa-p256-sha256 or rsa-pss-sha512.'),
    coveredComponents: { type: 'array', items: { type: 'string' } },
    created: timestamp('The signature’s created parameter.'),
    nonce: string('The signature’s nonce.'),
    targetUri: string('The @target-uri as the broker reconstructed it.'),
    contentDigest: orNull({
      type: 'array',
      items: object({
        algorithm: { type: 'string', enum: ['sha-256', 'sha-512'] },
        value: string('Base64.'),
      }),
    }),
    bodyBytes: { type: 'integer', minimum: 0 },
  }),
  Whoami: object({
    kind: { type: 'string', enum: ['vendor', 'auditor'] },
    id: string('Vendor id or auditor name.'),
    name: string('Display name.'),
    certificate: object({
      fingerprintSha256: sha256('The keyid to sign with.'),
      serial: string('Serial number, hex.'),
      notAfter: timestamp('Renew before this.'),
    }),
    mandatedSchools: {
      type: 'array',
      description: 'The schools that mandate you now (auditors: none).',
      items: object({
        school: string('BRIN + vestiging.'),
        brin: string('BRIN.'),
        vestiging: string('Vestiging.'),
        name: string('Name.'),
        sector: { type: 'string', enum: [...SCHOOL_SECTORS] },
      }),
    },
  }),
  LogEntryProof: object({
    entryId: string('The entry’s id.'),
    leaf: string(
      'The entry’s canonical JSON: exactly the bytes its leaf hash covers (docs/exchange-log.md).',
    ),
    leafIndex: { type: 'integer', minimum: 0, description: 'The entry’s position in the Merkle tree.' },
    treeSize: { type: 'integer', minimum: 1, description: 'The size of the tree the proof is against.' },
    inclusionProof: {
      type: 'array',
      description: 'RFC 9162 inclusion proof, bottom-up, each SHA-256 hash in base64.',
      items: string('A node hash, base64.', { format: 'byte' }),
    },
    checkpoint: string('The signed checkpoint (C2SP signed note) of treeSize entries.'),
  }),
  AuditEntry: object(
    {
      id: string('The entry’s id.'),
      leafIndex: orNull(
        { type: 'integer', minimum: 0 },
        'Its place in the Merkle tree; null until integrated.',
      ),
      at: timestamp('When it happened.'),
      type: string('The event type (docs/exchange-log.md).'),
      actor: object(
        {
          kind: string('vendor, auditor, broker or operator.'),
          id: string('Its id.'),
          certificateFingerprint: sha256('SHA-256 of its certificate.'),
        },
        ['certificateFingerprint'],
      ),
      schools: object(
        {
          source: string('Sending school.'),
          target: string('Receiving school.'),
          subject: string('The school a registry event or query is about.'),
        },
        ['source', 'target', 'subject'],
      ),
      transferId: uuid('The transfer.'),
      versionHash: sha256('The dossier version’s canonical SHA-256.'),
      details: {
        type: 'object',
        description: 'Declared per event type: ids, counts, flags, never personal data.',
      },
      leaf: string('The canonical JSON of the row as it is now: the leaf bytes.'),
      integrity: { type: 'string', enum: ['verified', 'not_yet_checkpointed', 'does_not_match_log'] },
      integrityProblem: string('Why it does not match the signed log.'),
      inclusionProof: { type: 'array', items: string('A node hash, base64.', { format: 'byte' }) },
    },
    ['transferId', 'versionHash', 'integrityProblem', 'inclusionProof'],
  ),
  AuditCheckpoint: object({
    treeSize: { type: 'integer', minimum: 0 },
    signedNote: string('The signed checkpoint (C2SP signed note).'),
  }),
  AuditEntryPage: object({
    entries: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } },
    nextCursor: orNull(string('Give it as cursor for the next, older page.')),
    checkpoint: orNull({ $ref: '#/components/schemas/AuditCheckpoint' }),
  }),
  AuditTimeline: object({
    transferId: uuid('The transfer.'),
    entries: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } },
    checkpoint: orNull({ $ref: '#/components/schemas/AuditCheckpoint' }),
  }),
  LogIntegrity: object(
    {
      treeSize: { type: 'integer', minimum: 0, description: 'The size of the checkpoint checked against.' },
      checkpoint: orNull(string('That checkpoint, as a C2SP signed note (null before the first).')),
      checkedAt: string('When the check began (ISO 8601); a check is reused for a bounded age.'),
      ok: { type: 'boolean' },
      firstProblem: object({
        leafIndex: { type: 'integer', minimum: -1, description: '-1: only the root tells.' },
        entryId: orNull(string('The entry, when one can be named.')),
        problem: string('What is wrong.'),
      }),
    },
    ['firstProblem'],
  ),
  PupilReport: object({
    transfers: {
      type: 'array',
      items: object({
        transferId: uuid('The transfer.'),
        sourceSchool: string('Sending school.'),
        targetSchool: string('Receiving school.'),
        state: { type: 'string', enum: [...TRANSFER_STATES] },
        requestedAt: timestamp('When it was requested.'),
      }),
    },
    versions: {
      type: 'array',
      items: object({
        versionHash: sha256('Canonical SHA-256 of the version.'),
        version: { type: 'integer', minimum: 1 },
        profile: string('Its profile, e.g. POVO.'),
        sourceSchool: string('The school that staged it.'),
        stagedAt: timestamp('When.'),
        stagedByVendorId: string('By which vendor.'),
        dataCategories: orNull({ type: 'array', items: string('A cat_… name.') }, 'null: not recorded.'),
        purged: { type: 'boolean' },
      }),
    },
    evidence: {
      type: 'array',
      description:
        'Per transfer and version: the evidence the sending school recorded and the gate’s latest decision.',
      items: object({
        transferId: uuid('The transfer.'),
        versionHash: sha256('The version the evidence is for.'),
        receivingSchool: string('The receiving school it is for.'),
        records: {
          type: 'array',
          items: object({
            id: uuid('The evidence record.'),
            kind: { type: 'string', enum: [...EVIDENCE_KINDS] },
            date: string('The day of the act, YYYY-MM-DD.', { format: 'date' }),
            actor: object({
              role: { type: 'string', enum: [...ACTOR_ROLES] },
              ref: orNull(string('The school’s label for the person (never a name); null for the pupil.')),
            }),
            how: orNull({ type: 'string', enum: [...INZAGE_WAYS] }, 'Inzage only.'),
            decision: orNull({ type: 'string', enum: [...CONSENT_DECISIONS] }, 'Consent only.'),
            form: orNull({ type: 'string', enum: [...CONSENT_FORMS] }, 'Consent only.'),
            remarksRecorded: {
              type: 'boolean',
              description: 'Whether remarks were recorded (as a hash only).',
            },
            declarationRecorded: {
              type: 'boolean',
              description: 'Whether a declaration’s hash was recorded.',
            },
            recordedByVendorId: string('The sending vendor that recorded it.'),
            recordedAt: timestamp('When the broker recorded it.'),
          }),
        },
        latestGateDecision: orNull(
          object({
            entryId: string('Its gate_decided log entry.'),
            at: timestamp('When the gate decided.'),
            outcome: { type: 'string', enum: ['release', 'wait', 'block'] },
            policy: object({ id: string('Release policy.'), version: { type: 'integer', minimum: 1 } }),
            reasonCodes: { type: 'array', items: string('A reason code (docs/release-gate.md).') },
          }),
          'null: the gate has not decided on this version.',
        ),
      }),
    },
    received: {
      type: 'array',
      items: object({
        entryId: string('The dossier_fetched entry.'),
        transferId: uuid('The transfer.'),
        receivingSchool: string('Receiving school.'),
        vendorId: string('The vendor that fetched it.'),
        at: timestamp('When.'),
        versionHash: sha256('The version fetched.'),
        dataCategories: orNull({ type: 'array', items: string('A cat_… name.') }),
      }),
    },
  }),
  IncidentReport: object({
    certificateFingerprint: sha256('The certificate.'),
    from: orNull(timestamp('Window start.')),
    to: orNull(timestamp('Window end.')),
    schools: {
      type: 'array',
      items: object({
        school: string('School code.'),
        entries: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } },
      }),
    },
    withoutSchool: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } },
    truncated: { type: 'boolean' },
  }),
  AuditConsistencyProof: object({
    fromSize: { type: 'integer', minimum: 0 },
    toSize: { type: 'integer', minimum: 0 },
    consistencyProof: { type: 'array', items: string('A node hash, base64.', { format: 'byte' }) },
    checkpoint: orNull(string('The signed checkpoint of toSize, when one was made at that size.')),
  }),
  HealthReport: object({
    status: { type: 'string', enum: ['ok', 'degraded', 'down'] },
    database: componentHealth(),
    redis: componentHealth(),
    releaseWorker: object(
      {
        status: { type: 'string', enum: ['alive', 'stale', 'unknown'] },
        lastHeartbeat: timestamp('Last beat.'),
        expected: {
          type: 'integer',
          minimum: 1,
          description: 'Worker processes meant to run (RELEASE_WORKERS).',
        },
        alive: {
          type: 'integer',
          minimum: 0,
          description:
            'Worker processes connected now; fewer than expected → degraded. Absent when Redis cannot list clients.',
        },
      },
      ['lastHeartbeat', 'alive'],
    ),
    apiProcesses: object({
      configured: { type: 'integer', minimum: 1, description: 'BROKER_API_PROCESSES.' },
      serving: {
        type: 'integer',
        minimum: 0,
        description: 'Processes serving now; fewer than configured (one is being restarted) → degraded.',
      },
    }),
    crl: object(
      {
        status: { type: 'string', enum: ['fresh', 'expiring', 'expired', 'not-configured'] },
        nextUpdate: timestamp('When the CRL must be renewed.'),
      },
      ['nextUpdate'],
    ),
  }),
} satisfies Record<string, SchemaObject>;

function componentHealth(): SchemaObject {
  return object(
    {
      status: { type: 'string', enum: ['up', 'down'] },
      latencyMs: { type: 'number' },
      error: string('Why it is down.'),
    },
    ['latencyMs', 'error'],
  );
}

// Examples. Ids, hashes and times are invented; schools are the demo registry's.

const TRANSFER_ID = '5b0e7c1e-8a4f-4f0e-9d55-0c8b7f1e2a31';
const VERSION_ID = 'c3f9a2d4-1b6e-4c8a-9f0d-7e2b5a1c9d84';
const TARGET = { code: '01XZ00', name: 'Demo College (demo, VO)', sector: 'VO' };
const SOURCE = { code: '00YY00', name: 'Testschool (demo, PO)', sector: 'PO' };

export const EXAMPLE_VERSION = {
  id: VERSION_ID,
  version: 2,
  profile: 'POVO',
  overdrachtsoort: 'overstapdossier',
  byteLength: 48211,
  contentSha256: '9b1d4c0e6f3a2b7d8e5f1a0c4b9d2e7f6a3c8b1d0e5f4a9b2c7d6e1f0a3b8c5d',
  canonicalSha256: '4e7a1f9c2d8b3e6a0f5c1d7b9e2a4c8f3b6d0e1a5c9f2b7d4e8a3c6f0b1d5e9a',
  warningCount: 1,
  stagedAt: '2026-03-02T09:14:05.000Z',
  purged: false,
} satisfies TransferView['currentVersion'];

export const EXAMPLE_TRANSFER: TransferView = {
  id: TRANSFER_ID,
  roles: ['target'],
  state: 'awaiting_evidence',
  targetSchool: TARGET,
  sourceSchool: SOURCE,
  reason: 'overstap',
  createdAt: '2026-03-01T10:02:11.000Z',
  updatedAt: '2026-03-02T09:14:05.000Z',
  expiresAt: '2026-05-30T10:02:11.000Z',
  currentVersion: EXAMPLE_VERSION,
  history: [
    {
      event: 'request',
      from: null,
      to: 'requested',
      actor: 'target_vendor',
      at: '2026-03-01T10:02:11.000Z',
      versionId: null,
    },
    {
      event: 'stage_version',
      from: 'requested',
      to: 'dossier_staged',
      actor: 'source_vendor',
      at: '2026-03-02T09:14:05.000Z',
      versionId: VERSION_ID,
    },
    {
      event: 'await_evidence',
      from: 'dossier_staged',
      to: 'awaiting_evidence',
      actor: 'broker',
      at: '2026-03-02T09:14:05.000Z',
      versionId: VERSION_ID,
    },
  ],
};

export const EXAMPLE_NEW_TRANSFER: TransferView = {
  ...EXAMPLE_TRANSFER,
  state: 'requested',
  updatedAt: EXAMPLE_TRANSFER.createdAt,
  currentVersion: null,
  history: [EXAMPLE_TRANSFER.history![0]],
};

const listed = ({ history: _history, ...view }: TransferView): TransferView => view;

export const EXAMPLE_INBOX: TransferPage = {
  items: [{ ...listed(EXAMPLE_NEW_TRANSFER), roles: ['source'] }],
  nextCursor: 'MjAyNi0wMy0wMVQxMDowMjoxMS4wMDBafDViMGU3YzFlLThhNGYtNGYwZS05ZDU1LTBjOGI3ZjFlMmEzMQ',
};

export const EXAMPLE_LOOKUP: { items: TransferView[] } = {
  items: [{ ...listed(EXAMPLE_NEW_TRANSFER), roles: ['source'] }],
};

const INZAGE_WARNING: DossierFinding = {
  rule: 'BRK.META.02',
  path: '/dossier/inzage/inzagedatum',
  line: 34,
  message:
    'inzagedatum 2026-03-01 lies after the dossier’s date 2026-02-20: the parents must see the dossier that is sent.',
  messageNl:
    'inzagedatum 2026-03-01 ligt na de dossierdatum 2026-02-20: de ouders moeten het verstuurde dossier gezien hebben.',
};

const INZAGE_ERROR: DossierFinding = {
  rule: 'OVa.IZ02',
  path: '/dossier/inzage/inzage',
  line: 33,
  message: 'An overstapdossier may only be sent after the parents had inzage: set inzage/inzage to true.',
  messageNl:
    'Een overstapdossier mag pas worden verstuurd na inzage door de ouders: zet inzage/inzage op true.',
};

export const EXAMPLE_STAGING: StagingResult = {
  version: EXAMPLE_VERSION,
  transfers: [TRANSFER_ID],
  warnings: [INZAGE_WARNING],
};

export const EXAMPLE_STAGED_AHEAD: StagingResult = { ...EXAMPLE_STAGING, transfers: [] };

type ValidateAnswer = Omit<DossierVerdict, 'facts'> & {
  facts: { profile: string; overdrachtsoort: string; categories: Record<string, string> } | null;
};

export const EXAMPLE_VERDICT_INVALID: ValidateAnswer = {
  valid: false,
  ruleSet: 'strict',
  profile: 'POVO',
  errors: [INZAGE_ERROR],
  warnings: [INZAGE_WARNING],
  findingsOmitted: 0,
  facts: {
    profile: 'POVO',
    overdrachtsoort: 'overstapdossier',
    categories: {
      cat_metadata: 'VERPLICHT',
      cat_ouderinzage: 'VERPLICHT',
      cat_school: 'VERPLICHT',
      cat_leerling: 'VERPLICHT',
      cat_vve: 'VERBODEN',
      cat_overstapadvies: 'VERPLICHT',
      cat_verzuim: 'OPTIONEEL',
    },
  },
};

export const EXAMPLE_VERDICT_VALID: ValidateAnswer = {
  ...EXAMPLE_VERDICT_INVALID,
  valid: true,
  errors: [],
};

export const EXAMPLE_VERDICT_UNREADABLE: ValidateAnswer = {
  valid: false,
  ruleSet: 'strict',
  profile: null,
  errors: [
    {
      rule: 'DOSSIER_DTD_FORBIDDEN',
      path: '/',
      message: 'Document type declarations and entity definitions are not allowed in a dossier.',
      messageNl: 'Document type declarations and entity definitions are not allowed in a dossier.',
    },
  ],
  warnings: [],
  findingsOmitted: 0,
  facts: null,
};

const KEY_ID = 'a2de5c7b19f04e3d8c6b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d';

export const EXAMPLE_ECHO: EchoResponse = {
  keyId: KEY_ID,
  label: 'sig',
  algorithm: 'rsa-pss-sha512',
  coveredComponents: ['"@method"', '"@target-uri"', '"content-digest"', '"content-type"'],
  created: '2026-03-01T10:02:11.000Z',
  nonce: 'p3R1c2FtcGxlLW5vbmNlLTAx',
  targetUri: 'https://broker.example.nl:8443/v1/echo',
  contentDigest: [{ algorithm: 'sha-256', value: 'X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=' }],
  bodyBytes: 18,
};

export const EXAMPLE_WHOAMI: WhoamiResponse = {
  kind: 'vendor',
  id: 'demo-po-las',
  name: 'Demo LAS primair onderwijs',
  certificate: { fingerprintSha256: KEY_ID, serial: '3ada51c2', notAfter: '2027-11-22T04:51:25.000Z' },
  mandatedSchools: [
    { school: '00YY00', brin: '00YY', vestiging: '00', name: 'Testschool (demo, PO)', sector: 'PO' },
  ],
};

/** Signed with a throw-away key: the shape of a real checkpoint, not one of any broker. */
export const EXAMPLE_CHECKPOINT =
  'localhost/oso-broker/exchange-log\n4711\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=\n\n' +
  '— localhost/oso-broker/exchange-log 6bwHUomvDq7r7st05ly7kFNxUKmy+/lwjavE07OzqDv+cn+nruEQubkgMCUf/cXgp0Yth2ZGKlAdiBckeSbTiD1z1Ak=\n';

export const EXAMPLE_LOG_ENTRY_PROOF: LogEntryProof = {
  entryId: '4702',
  leaf:
    '{"actor":{"id":"demo-vo-las","kind":"vendor"},"at":"2026-11-23T09:14:02.311Z","details":{},' +
    '"id":"4702","schools":{"source":"00YY00","target":"01XZ00"},"transferId":"5b0e7c1e-8a4f-4f0e-9d55-0c8b7f1e2a31",' +
    '"type":"request_created","v":1}',
  leafIndex: 4701,
  treeSize: 4711,
  inclusionProof: [
    'ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=',
    'PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=',
  ],
  checkpoint: EXAMPLE_CHECKPOINT,
};

export const EXAMPLE_HEALTH: HealthReport = {
  status: 'ok',
  database: { status: 'up', latencyMs: 2 },
  redis: { status: 'up', latencyMs: 1 },
  releaseWorker: { status: 'alive', lastHeartbeat: '2026-03-01T10:02:05.000Z', expected: 2, alive: 2 },
  apiProcesses: { configured: 2, serving: 2 },
  crl: { status: 'fresh', nextUpdate: '2026-03-08T00:00:00.000Z' },
};

export const EXAMPLE_HEALTH_DOWN: HealthReport = {
  status: 'down',
  database: { status: 'down', error: 'timeout after 2000 ms' },
  redis: { status: 'up', latencyMs: 1 },
  releaseWorker: { status: 'alive', lastHeartbeat: '2026-03-01T10:02:05.000Z', expected: 2, alive: 2 },
  apiProcesses: { configured: 2, serving: 2 },
  crl: { status: 'fresh', nextUpdate: '2026-03-08T00:00:00.000Z' },
};

/** Request examples: a made-up onderwijsnummer, never a BSN. */
export const EXAMPLE_TRANSFER_REQUEST = {
  targetSchool: '01XZ00',
  sourceSchool: '00YY00',
  pupil: { onderwijsnummer: '123456789', geboortedatum: '2014-05-01' },
  reason: 'overstap',
};

export const EXAMPLE_LOOKUP_REQUEST = {
  sourceSchool: '00YY00',
  pupil: { onderwijsnummer: '123456789', geboortedatum: '2014-05-01' },
};

/** Shape of a staged dossier, shortened; the real body is a complete OSO 2019.1 document. */
export const EXAMPLE_DOSSIER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<dossier xmlns="http://www.edustandaard.nl/oso_gegevensset/2019/dossier">
  <metadata>
    <deeldossier>LASLVS</deeldossier>
    <pakketnaam>…</pakketnaam>
    <datum>2026-02-20</datum>
    <standaardversie>2019.1</standaardversie>
    <!-- categorie_uitlevering, … -->
  </metadata>
  <overdrachtsoort>overstapdossier</overdrachtsoort>
  <!-- school, inzage, leerling, … (the whole OSO 2019.1 dossier) -->
</dossier>`;

/** The `{id}` of the transfer routes. */
export const TRANSFER_ID_PARAM = {
  name: 'id',
  description: 'The transfer’s id (as `id` in its TransferView).',
  schema: { type: 'string', format: 'uuid' },
} as const;

export const EXAMPLE_RETRACTION: RetractionResult = {
  versionHash: EXAMPLE_VERSION.canonicalSha256,
  reason: 'wrong_pupil',
  versions: [2],
  retractedAt: '2026-03-02T10:00:00.000Z',
  transfers: [],
};

const EXAMPLE_RECALL_FACTS = {
  noticeId: '0d7a3f52-6a43-4c8e-9a1b-3f2e5d6c7b80',
  transferId: TRANSFER_ID,
  sourceSchool: '00YY00',
  targetSchool: '01XZ00',
  versionHash: EXAMPLE_VERSION.canonicalSha256,
  reason: 'wrong_content' as const,
  issuedAt: '2026-03-05T08:00:00.000Z',
};
export const EXAMPLE_RECALL_NOTICE: RecallNoticeView = {
  ...EXAMPLE_RECALL_FACTS,
  notice: JSON.stringify(
    Object.fromEntries(
      Object.entries({ ...EXAMPLE_RECALL_FACTS, type: 'oso-recall-notice/v1' }).sort(([a], [b]) =>
        a < b ? -1 : 1,
      ),
    ),
  ),
  signature: { algorithm: 'rsa-pss-sha512', keyId: 'a2de'.repeat(16), value: 'c2lnbmF0dXJl' },
};

/** A JSON response body of one schema, with named examples. */
export function jsonOf(
  name: keyof typeof API_SCHEMAS,
  examples: Record<string, unknown>,
): Record<string, MediaTypeObject> {
  return {
    'application/json': {
      schema: ref(name),
      examples: Object.fromEntries(Object.entries(examples).map(([key, value]) => [key, { value }])),
    },
  };
}
