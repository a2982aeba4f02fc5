import { SchoolEntity, formatSchoolCode } from '@app/registry';
import { DossierVersionEntity } from './dossier-version.entity';
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

export function toVersionView(version: DossierVersionEntity): DossierVersionView {
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

export function toTransferView(
  transfer: TransferEntity,
  context: {
    roles: TransferRole[];
    target: SchoolEntity;
    source: SchoolEntity;
    version: DossierVersionEntity | null;
    /** The released version, if any (#11: may differ from the current one during a correction). */
    released?: DossierVersionEntity | null;
    history: TransferHistoryEntity[] | null;
  },
): TransferView {
  const releases = (context.history ?? []).filter((entry) => entry.event === 'release' && entry.versionId);
  const superseded = releases
    .map((entry) => entry.versionId!)
    .filter((id, index, all) => id !== transfer.releasedVersionId && all.indexOf(id) === index);
  return {
    id: transfer.id,
    roles: context.roles,
    state: transfer.state,
    targetSchool: schoolView(context.target),
    sourceSchool: schoolView(context.source),
    reason: transfer.reason,
    createdAt: transfer.createdAt.toISOString(),
    updatedAt: transfer.updatedAt.toISOString(),
    expiresAt: transfer.expiresAt.toISOString(),
    currentVersion: context.version ? toVersionView(context.version) : null,
    ...(context.released ? { releasedVersion: toVersionView(context.released) } : {}),
    ...(superseded.length > 0 ? { supersededVersionIds: superseded } : {}),
    ...(context.history
      ? {
          history: context.history.map((entry) => ({
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
