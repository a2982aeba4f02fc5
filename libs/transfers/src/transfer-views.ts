import { SchoolEntity, formatSchoolCode } from '@app/registry';
import type { DossierVersionFacts } from './dossier-version-repository';
import type { NotificationStanding } from './notifications/notification-repository';
import { TransferHistoryEntity } from './transfer-history.entity';
import type { TransferState } from './transfer-lifecycle';
import { TransferEntity } from './transfer.entity';

/** The side of a transfer a vendor acts on: for the receiving school (target) or the sending one (source). */
export type TransferRole = 'target' | 'source';

/** A dossier version as vendors see it: its identity and size, never its content. */
export interface DossierVersionView {
  id: string;
  version: number;
  profile: string;
  overdrachtsoort: string;
  byteLength: number;
  contentSha256: string;
  canonicalSha256: string;
  warningCount: number;
  stagedAt: string;
  purged: boolean;
}

export interface TransferHistoryView {
  event: string;
  from: TransferState | null;
  to: TransferState;
  actor: string;
  at: string;
  versionId: string | null;
}

/** A transfer as one of its two vendors sees it. The pupil is not in it: only the requester knows who. */
export interface TransferView {
  id: string;
  roles: TransferRole[];
  state: TransferState;
  targetSchool: { code: string; name: string; sector: string };
  sourceSchool: { code: string; name: string; sector: string };
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  currentVersion: DossierVersionView | null;
  /**
   * Once released: the version the receiver can fetch. It differs from `currentVersion` while a corrected
   * version waits for its own release, and after that the earlier one is in `supersededVersionIds`.
   */
  releasedVersion?: DossierVersionView;
  /** Versions released to this transfer before the one released now, oldest first (only with history). */
  supersededVersionIds?: string[];
  history?: TransferHistoryView[];
  /** The webhook notifications about this transfer to the calling vendor (GET of one transfer only). */
  notifications?: NotificationStanding[];
}

export interface TransferPage {
  items: TransferView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export function toVersionView(version: DossierVersionFacts): DossierVersionView {
  return {
    id: version.id,
    version: version.version,
    profile: version.profile,
    overdrachtsoort: version.overdrachtsoort,
    byteLength: version.byteLength,
    contentSha256: version.contentSha256,
    canonicalSha256: version.canonicalSha256,
    warningCount: version.warningCount,
    stagedAt: version.stagedAt.toISOString(),
    purged: version.purgedAt !== null,
  };
}

const schoolView = (school: SchoolEntity) => ({
  code: formatSchoolCode(school),
  name: school.name,
  sector: school.sector,
});

/** History steps about a match the sender has not approved (or refused): never shown to the receiver. */
const MATCH_STEPS: readonly string[] = ['await_approval', 'refuse_match'];

/**
 * What the receiving side may know (issue #11, item 1): while a match waits for the sender's approval,
 * the transfer is a plain `requested` to it — no version, no match steps in its history, no update time
 * after its last visible step. A vendor on both sides sees everything.
 */
function receiverSees(
  transfer: TransferEntity,
  context: {
    roles: TransferRole[];
    version: DossierVersionFacts | null;
    history: TransferHistoryEntity[] | null;
  },
) {
  if (context.roles.includes('source')) {
    return {
      state: transfer.state,
      version: context.version,
      history: context.history,
      updatedAt: transfer.updatedAt,
    };
  }
  const masked = (state: TransferState): TransferState =>
    state === 'awaiting_approval' ? 'requested' : state;
  const history =
    context.history
      ?.filter((entry) => !MATCH_STEPS.includes(entry.event))
      .map((entry) => ({
        ...entry,
        fromState: entry.fromState && masked(entry.fromState),
        toState: masked(entry.toState),
      })) ?? null;
  if (transfer.state !== 'awaiting_approval') {
    return { state: transfer.state, version: context.version, history, updatedAt: transfer.updatedAt };
  }
  const lastSeen = history && history.length > 0 ? history[history.length - 1].at : transfer.createdAt;
  return { state: 'requested' as const, version: null, history, updatedAt: lastSeen };
}

export function toTransferView(
  transfer: TransferEntity,
  context: {
    roles: TransferRole[];
    target: SchoolEntity;
    source: SchoolEntity;
    version: DossierVersionFacts | null;
    /** The released version, if any (#11: may differ from the current one during a correction). */
    released?: DossierVersionFacts | null;
    history: TransferHistoryEntity[] | null;
  },
): TransferView {
  const releases = (context.history ?? []).filter((entry) => entry.event === 'release' && entry.versionId);
  const superseded = releases
    .map((entry) => entry.versionId!)
    .filter((id, index, all) => id !== transfer.releasedVersionId && all.indexOf(id) === index);
  const seen = receiverSees(transfer, context);
  return {
    id: transfer.id,
    roles: context.roles,
    state: seen.state,
    targetSchool: schoolView(context.target),
    sourceSchool: schoolView(context.source),
    reason: transfer.reason,
    createdAt: transfer.createdAt.toISOString(),
    updatedAt: seen.updatedAt.toISOString(),
    expiresAt: transfer.expiresAt.toISOString(),
    currentVersion: seen.version ? toVersionView(seen.version) : null,
    ...(context.released ? { releasedVersion: toVersionView(context.released) } : {}),
    ...(superseded.length > 0 ? { supersededVersionIds: superseded } : {}),
    ...(seen.history
      ? {
          history: seen.history.map((entry) => ({
            event: entry.event,
            from: entry.fromState,
            to: entry.toState,
            actor: entry.actor,
            at: entry.at.toISOString(),
            versionId: entry.versionId,
          })),
        }
      : {}),
  };
}

/** Keyset pagination: the position after the last item shown (newest first). */
export function encodeCursor(transfer: TransferEntity): string {
  return Buffer.from(`${transfer.createdAt.toISOString()}|${transfer.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (extra !== undefined || !id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) return null;
  return { at: date, id };
}
