import {
  AuditEntryView,
  entryFromRow,
  findCertificateEntries,
  findTransfersEntriesOfType,
} from '@app/exchange-log';
import { RegistryService } from '@app/registry';
import {
  PupilKey,
  hashPupilKey,
  pupilEvidence,
  pupilKeyProblem,
  pupilTransfers,
  pupilVersions,
} from '@app/transfers';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditError } from './audit-error';
import { checkAuditFilter } from './audit-filter';
import { AuditQueries } from './audit-queries.service';
import { AUDIT_SETTINGS, AuditSettings } from './audit-settings';
import { AuditorIdentity, auditedRead } from './audited-read';
import { PupilVersionEvidence, pupilVersionEvidence } from './pupil-evidence';

/** The most entries an incident report lists; more means a narrower window (`truncated` says so). */
export const INCIDENT_REPORT_MAX_ENTRIES = 5_000;

export interface PupilReport {
  /** The pupil's transfers that involve a school in your scope. */
  transfers: Array<{
    transferId: string;
    sourceSchool: string;
    targetSchool: string;
    state: string;
    requestedAt: string;
  }>;
  /** Every version staged for the pupil that you may see, oldest first. */
  versions: Array<{
    versionHash: string;
    version: number;
    profile: string;
    sourceSchool: string;
    stagedAt: string;
    stagedByVendorId: string;
    /** `cat_…` names; null for versions staged before the broker recorded them. */
    dataCategories: string[] | null;
    purged: boolean;
  }>;
  /** Per transfer and version: the inzage and consent the sending school recorded, and the gate's latest decision. */
  evidence: PupilVersionEvidence[];
  /** Who received which version: each fetch of the dossier, from the exchange log. */
  received: Array<{
    entryId: string;
    transferId: string;
    receivingSchool: string;
    vendorId: string;
    at: string;
    versionHash: string;
    dataCategories: string[] | null;
  }>;
}

export interface IncidentReport {
  certificateFingerprint: string;
  from: string | null;
  to: string | null;
  /** Per school the entries name (an entry about two schools is under both), oldest first. */
  schools: Array<{ school: string; entries: AuditEntryView[] }>;
  /** Entries that name no school (registry events), for supervisory auditors. */
  withoutSchool: AuditEntryView[];
  truncated: boolean;
}

/**
 * The auditors' reports: a pupil's exchange history (a parent's question, asked through the school) and
 * everything one certificate did in a window (an incident). Recorded like every auditor query, without the
 * pupil's number or birth date: the log entry names the kind of key, never the key.
 */
@Injectable()
export class AuditReports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly queries: AuditQueries,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async pupilReport(auditor: AuditorIdentity, pupil: PupilKey): Promise<PupilReport> {
    const problem = pupilKeyProblem(pupil);
    if (problem !== null) throw new AuditError('PUPIL_KEY_INVALID', `pupil: ${problem}.`);
    const pupilKeyHash = hashPupilKey(pupil, this.settings.pupilKeySecret);
    const record = {
      query: 'pupilReport',
      filters: [pupil.bsn ? 'bsn' : 'onderwijsnummer', 'geboortedatum'],
    };
    return auditedRead(this.dataSource, this.registry, auditor, record, async (manager, scope) => {
      const schools = scope.kind === 'all' ? null : scope.schools;
      const transfers = await pupilTransfers(manager, pupilKeyHash, schools);
      const versions = await pupilVersions(manager, pupilKeyHash, schools);
      const categoriesOf = new Map(versions.map((version) => [version.versionHash, version.dataCategories]));
      const transferIds = transfers.map((transfer) => transfer.transferId);
      const fetched = await findTransfersEntriesOfType(manager, transferIds, 'dossier_fetched');
      const evidence = pupilVersionEvidence(
        await pupilEvidence(manager, transferIds),
        (await findTransfersEntriesOfType(manager, transferIds, 'gate_decided')).map(entryFromRow),
        new Map(transfers.map((transfer) => [transfer.transferId, transfer.targetSchool])),
      );
      const received = fetched.map((row) => {
        const entry = entryFromRow(row);
        return {
          entryId: entry.id,
          transferId: entry.transferId!,
          receivingSchool: entry.schools.target!,
          vendorId: entry.actor.id,
          at: entry.at.toISOString(),
          versionHash: entry.versionHash!,
          dataCategories: categoriesOf.get(entry.versionHash!) ?? null,
        };
      });
      const answer: PupilReport = {
        transfers: transfers.map(({ createdAt, ...transfer }) => ({
          ...transfer,
          requestedAt: createdAt.toISOString(),
        })),
        versions: versions.map(({ versionId: _id, stagedAt, ...version }) => ({
          ...version,
          stagedAt: stagedAt.toISOString(),
        })),
        evidence,
        received,
      };
      return { answer, resultCount: transfers.length + versions.length };
    });
  }

  async incidentReport(
    auditor: AuditorIdentity,
    window: { certificateFingerprint: string; from?: Date; to?: Date },
  ): Promise<IncidentReport> {
    const filters = checkAuditFilter(window);
    return auditedRead(
      this.dataSource,
      this.registry,
      auditor,
      { query: 'incidentReport', filters },
      async (manager, scope) => {
        const rows = await findCertificateEntries(manager, scope, window, INCIDENT_REPORT_MAX_ENTRIES + 1);
        const served = rows.slice(0, INCIDENT_REPORT_MAX_ENTRIES);
        const checkpoint = await this.queries.checkedCheckpoint(manager);
        const views = await this.queries.views(manager, served, checkpoint, false);
        const bySchool = new Map<string, AuditEntryView[]>();
        const withoutSchool: AuditEntryView[] = [];
        for (const view of views) {
          const named = [...new Set(Object.values(view.schools))].filter(
            (school) => scope.kind === 'all' || scope.schools.includes(school),
          );
          if (named.length === 0) withoutSchool.push(view);
          for (const school of named) bySchool.set(school, [...(bySchool.get(school) ?? []), view]);
        }
        const answer: IncidentReport = {
          certificateFingerprint: window.certificateFingerprint,
          from: window.from?.toISOString() ?? null,
          to: window.to?.toISOString() ?? null,
          schools: [...bySchool]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([school, entries]) => ({ school, entries })),
          withoutSchool,
          truncated: rows.length > INCIDENT_REPORT_MAX_ENTRIES,
        };
        return { answer, resultCount: served.length };
      },
    );
  }
}
