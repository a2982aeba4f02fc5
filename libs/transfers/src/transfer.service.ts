import type { DossierFinding, DossierVerdict } from '@app/oso-dataset';
import { RegistryService } from '@app/registry';
import type { DossierVault } from '@app/vault';
import { DataSource } from 'typeorm';
import { DossierStaging } from './dossier-staging';
import type { EvidenceHistory, EvidenceInput, EvidenceRecorded } from './evidence/evidence-input';
import { regateBoardTransfers } from './evidence/board-regating';
import { ConsentDeclarations, DeclarationStored } from './evidence/consent-declarations';
import { EvidenceRecording } from './evidence/evidence-recording';
import type { PupilKey } from './pupil-key';
import { MatchAnswer, MatchApprovals } from './match-approval';
import type { MandateReads } from './mandate-reads';
import { TransferAccess } from './transfer-access';
import { ActingVendor, NO_TRANSFER_EVENTS, Recorded, TransferEventRecorder } from './transfer-events';
import { TransferQueries } from './transfer-queries';
import { TransferRequest, TransferRequests } from './transfer-requests';
import { TransferSteps } from './transfer-steps';
import { refuseWhenBusy } from './transfer-transactions';
import { RetractionInput, RetractionResult, VersionRetraction } from './retraction/version-retraction';
import type { DossierVersionView, TransferPage, TransferRole, TransferView } from './transfer-views';
import type { TransferState } from './transfer-lifecycle';

export { sealedOf, versionContext } from './dossier-sealing';

/** Judges a dossier the way staging needs it: strict rules, facts and the canonical content hash. */
export interface StagingValidator {
  /** `tenant` is whose share of the validation threads the work counts against. */
  validate(bytes: Buffer, tenant: string): Promise<DossierVerdict>;
}

/** Encrypts dossier versions at rest (see `@app/vault`); each version under its own data key. */
export type DossierSealer = Pick<DossierVault, 'seal' | 'open' | 'sealWithCompanion' | 'openCompanion'>;

export interface TransferSettings {
  /** Key of the HMAC that turns a pupil key into what is stored. */
  pupilKeySecret: Buffer;
  /** How long a request stays open without a release (the release worker expires it then). */
  requestLifetimeDays: number;
}

export interface StagingResult {
  version: DossierVersionView;
  /** The open requests this version now serves. */
  transfers: string[];
  warnings: DossierFinding[];
}

/**
 * The exchange between two schools' vendors, one object for the API: requests, staging, what each side
 * may read, and the receiving side's steps, each in its own use case. Every method takes the calling
 * vendor and checks its mandates itself; nothing here trusts the caller to have checked. A database
 * too busy to answer in time is a 503 (`refuseWhenBusy`) on every method, reads included.
 */
export class TransferService {
  private readonly requests: TransferRequests;
  private readonly staging: DossierStaging;
  private readonly queries: TransferQueries;
  private readonly steps: TransferSteps;
  private readonly evidence: EvidenceRecording;
  private readonly retraction: VersionRetraction;
  private readonly regate: (bevoegdGezag: string) => Promise<number>;
  private readonly matches: MatchApprovals;
  private readonly declarations: ConsentDeclarations;

  constructor(
    dataSource: DataSource,
    registry: RegistryService,
    validator: StagingValidator,
    sealer: DossierSealer,
    settings: TransferSettings,
    /** Where the exchange's events go, inside each change's transaction (the exchange log). */
    recorder: TransferEventRecorder = NO_TRANSFER_EVENTS,
    clock: () => Date = () => new Date(),
    /** Where mandates are read (a change-invalidated cache in broker-api); the registry by default. */
    mandates: MandateReads = registry,
  ) {
    const access = new TransferAccess(dataSource, registry, clock, mandates);
    this.queries = new TransferQueries(dataSource, registry, access, sealer, settings, recorder, clock);
    this.requests = new TransferRequests(dataSource, access, this.queries, settings, recorder, clock);
    this.staging = new DossierStaging(
      dataSource,
      registry,
      access,
      validator,
      sealer,
      settings,
      recorder,
      clock,
    );
    this.steps = new TransferSteps(dataSource, access, this.queries, recorder, clock);
    this.evidence = new EvidenceRecording(dataSource, registry, access, sealer, recorder, clock);
    this.retraction = new VersionRetraction(dataSource, registry, access, this.queries, recorder, clock);
    this.regate = (bevoegdGezag) => regateBoardTransfers(dataSource, sealer, recorder, bevoegdGezag, clock);
    this.declarations = new ConsentDeclarations(dataSource, registry, access, sealer, recorder, clock);
    this.matches = new MatchApprovals(dataSource, registry, access, this.queries, sealer, recorder, clock);
  }

  /** The receiving school's vendor asks for a pupil's dossier from the sending school. */
  request(vendor: ActingVendor, input: TransferRequest): Promise<Recorded<TransferView>> {
    return this.requests.request(vendor, input);
  }

  /** The sending school's vendor stages a dossier, for a request (`transferId`) or ahead of one. */
  stage(vendor: ActingVendor, bytes: Buffer, transferId?: string): Promise<Recorded<StagingResult>> {
    return this.staging.stage(vendor, bytes, transferId);
  }

  /** One transfer as the calling vendor may see it: state, schools, current version, history. */
  view(vendorId: string, transferId: string): Promise<TransferView> {
    return refuseWhenBusy(() => this.queries.view(vendorId, transferId));
  }

  /** The calling vendor's transfers on one side, newest first, a page at a time. */
  list(
    vendorId: string,
    query: { role: TransferRole; state?: TransferState; limit?: number; cursor?: string },
  ): Promise<TransferPage> {
    return refuseWhenBusy(() => this.queries.list(vendorId, query));
  }

  /** For the sending side: the open requests at its schools for one pupil. */
  lookup(vendorId: string, input: { sourceSchool: string; pupil: PupilKey }): Promise<TransferView[]> {
    return refuseWhenBusy(() => this.queries.lookup(vendorId, input));
  }

  /** The released dossier, byte for byte as staged, for the receiving school's vendor only. */
  fetchDossier(
    vendor: ActingVendor,
    transferId: string,
  ): Promise<Recorded<{ bytes: Buffer; version: DossierVersionView }>> {
    return refuseWhenBusy(() => this.queries.fetchDossier(vendor, transferId));
  }

  /** The receiving vendor confirms it has the dossier; repeating it changes nothing. */
  acknowledgeReceipt(vendor: ActingVendor, transferId: string): Promise<Recorded<TransferView>> {
    return this.steps.acknowledgeReceipt(vendor, transferId);
  }

  /** The sending vendor records evidence of inzage or consent; the release gate decides at once. */
  recordEvidence(
    vendor: ActingVendor,
    transferId: string,
    input: EvidenceInput,
  ): Promise<Recorded<EvidenceRecorded>> {
    return this.evidence.record(vendor, transferId, input);
  }

  /** The evidence and the gate's decision: in full for the sender, the gate's state for the receiver. */
  evidenceHistory(vendorId: string, transferId: string): Promise<EvidenceHistory> {
    return this.evidence.history(vendorId, transferId);
  }

  /** The sender takes back a version of this transfer's pupil before release; its key is destroyed at once. */
  retractForTransfer(
    vendor: ActingVendor,
    transferId: string,
    input: RetractionInput,
  ): Promise<Recorded<TransferView>> {
    return this.retraction.forTransfer(vendor, transferId, input);
  }

  /** The sender takes back a version staged ahead (by its hash) before release; its key is destroyed at once. */
  retractStaged(vendor: ActingVendor, input: RetractionInput): Promise<Recorded<RetractionResult>> {
    return this.retraction.staged(vendor, input);
  }

  /**
   * After a board recorded a release policy: the gate asked again for its schools' waiting transfers,
   * under the policy now in effect; answers how many moved (#11).
   */
  regateBoard(bevoegdGezag: string): Promise<number> {
    return refuseWhenBusy(() => this.regate(bevoegdGezag));
  }

  /**
   * The sending vendor approves (names this receiving school for) or refuses the match of a version
   * staged ahead, identified by its canonical hash.
   */
  answerMatch(
    vendor: ActingVendor,
    transferId: string,
    versionHash: string,
    answer: MatchAnswer,
  ): Promise<Recorded<TransferView>> {
    return this.matches.answer(vendor, transferId, versionHash, answer);
  }

  /** The sending vendor uploads a consent record's declaration document (the bytes its hash names). */
  storeDeclaration(
    vendor: ActingVendor,
    transferId: string,
    evidenceId: string,
    mediaType: string | null,
    bytes: Buffer,
  ): Promise<Recorded<DeclarationStored>> {
    return this.declarations.store(vendor, transferId, evidenceId, mediaType, bytes);
  }

  /** The stored declaration document, for the sending vendor only. */
  fetchDeclaration(
    vendorId: string,
    transferId: string,
    evidenceId: string,
  ): Promise<{ bytes: Buffer; mediaType: string }> {
    return this.declarations.fetch(vendorId, transferId, evidenceId);
  }

  /** The receiving vendor no longer needs the dossier. */
  withdraw(vendor: ActingVendor, transferId: string): Promise<Recorded<TransferView>> {
    return this.steps.withdraw(vendor, transferId);
  }
}
