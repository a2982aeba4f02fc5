import type { RenderedFile, RenderingChoice, RenderingFormat } from '@app/dossier-rendering';
import { RenderingError } from '@app/dossier-rendering';
import { AttachmentFile, RenderingCapacityError } from '@app/dossier-rendering/pool';
import { RegistryService, formatSchoolCode } from '@app/registry';
import type { DataSource } from 'typeorm';
import { payloadDestroyed, sealedOf, versionContext } from '../dossier-sealing';
import type { DossierVersionEntity } from '../dossier-version.entity';
import { DossierVersionRepository } from '../dossier-version-repository';
import { vendorTenant } from '../staging-validation';
import { TransferAccess } from '../transfer-access';
import { TransferError } from '../transfer-error';
import {
  ActingVendor,
  EntryTrail,
  EventSchools,
  Recorded,
  TransferEventRecorder,
  TransferLogEvent,
  eventActor,
} from '../transfer-events';
import { releasedForReceiver } from '../transfer-queries';
import { schoolsOfTransfers } from '../transfer-schools';
import { inRecordedTransaction, refuseWhenBusy } from '../transfer-transactions';
import type { DossierSealer } from '../transfer.service';
import type { TransferEntity } from '../transfer.entity';

/** Makes renderings and takes attachments out of a version's plaintext, off the event loop (the pool). */
export interface DossierRenderer {
  render(
    input: { bytes: Buffer; identity: RenderingIdentity; choice: RenderingChoice; format: RenderingFormat },
    tenant: string,
  ): Promise<RenderedFile>;
  attachment(bytes: Buffer, number: number, tenant: string): Promise<AttachmentFile>;
}

interface RenderingIdentity {
  versionNumber: number | null;
  contentHash: string;
}

/** Which version is read, and through which side. */
export type RenderingTarget =
  { side: 'source'; versionHash: string } | { side: 'target'; transferId: string };

/** What is asked of the version: its rendering in a format and form, or one attachment by number. */
export type RenderingRequest =
  | { kind: 'rendering'; format: RenderingFormat; choice: RenderingChoice }
  | { kind: 'attachment'; number: number };

/** The bytes to serve and the version they come from (its number and canonical hash, for the headers). */
export interface ServedFile {
  mediaType: string;
  bytes: Buffer;
  /** An attachment's own file name (Content-Disposition only; never logged); null for a rendering. */
  fileName: string | null;
  version: number;
  versionHash: string;
}

/** When a vendor whose renderings fill the line should try again: about one PDF's time, with margin. */
export const RENDERING_RETRY_AFTER_SECONDS = 2;

/**
 * The readable dossier (#12): the sender reads any version it staged (by its canonical hash, before or
 * after release: the inzage conversation), the receiver reads a released version exactly when it may
 * fetch the dossier. The version is decrypted here, in the API process; the renderer gets plaintext only.
 * Every answer is recorded in the exchange log, in one transaction, before its bytes leave.
 */
export class DossierRenderings {
  private readonly access: TransferAccess;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly sealer: DossierSealer,
    private readonly renderer: DossierRenderer,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.access = new TransferAccess(dataSource, registry, clock);
  }

  serve(
    vendor: ActingVendor,
    target: RenderingTarget,
    request: RenderingRequest,
  ): Promise<Recorded<ServedFile>> {
    return refuseWhenBusy(async () => {
      const found =
        target.side === 'source'
          ? await this.stagedVersion(vendor, target.versionHash)
          : await this.releasedVersion(vendor, target.transferId);
      const bytes = this.sealer.open(sealedOf(found.version), versionContext(found.version.id));
      const file = await this.produce(bytes, found.version, request, vendorTenant(vendor.id));
      const trail = new EntryTrail(this.recorder);
      // Recorded before the bytes leave: a reading the log cannot record does not happen.
      await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const schools = found.transfer
          ? (await schoolsOfTransfers(manager, [found.transfer]))(found.transfer)
          : found.schools;
        trail.add(
          logEvent(request, {
            at: this.clock(),
            actor: eventActor(target.side === 'source' ? 'source_vendor' : 'target_vendor', vendor),
            schools,
            transferId: found.transfer?.id ?? null,
            versionHash: found.version.canonicalSha256,
          }),
        );
      });
      return trail.answer({
        ...file,
        version: found.version.version,
        versionHash: found.version.canonicalSha256,
      });
    });
  }

  /**
   * The newest version with this hash at a school the vendor may send for now (as retraction finds it);
   * its payload must still be there.
   */
  private async stagedVersion(vendor: ActingVendor, versionHash: string): Promise<Found> {
    const { versions: candidates, schools } = await this.access.versionsAtSendingSchools(
      vendor.id,
      versionHash,
    );
    if (candidates.length === 0) {
      throw new TransferError(
        'VERSION_NOT_FOUND',
        'not_found',
        'No dossier version with this versionHash (its canonicalSha256) at a school that mandated you to send for it.',
      );
    }
    const version = candidates.reduce((newest, candidate) =>
      candidate.stagedAt > newest.stagedAt ||
      (candidate.stagedAt.getTime() === newest.stagedAt.getTime() && candidate.version > newest.version)
        ? candidate
        : newest,
    );
    if (payloadDestroyed(version)) {
      throw new TransferError(
        'DOSSIER_PURGED',
        'conflict',
        'This version was retracted or purged; its content is destroyed and cannot be rendered any more.',
      );
    }
    const source = schools.find((school) => school.id === version.sourceSchoolId)!;
    return { version, transfer: null, schools: { source: formatSchoolCode(source), target: null } };
  }

  private async releasedVersion(vendor: ActingVendor, transferId: string): Promise<Found> {
    const versions = new DossierVersionRepository(this.dataSource.manager);
    const { transfer, version } = await releasedForReceiver(this.access, versions, vendor.id, transferId);
    return { version, transfer, schools: null };
  }

  private async produce(
    bytes: Buffer,
    version: DossierVersionEntity,
    request: RenderingRequest,
    tenant: string,
  ): Promise<Pick<ServedFile, 'mediaType' | 'bytes' | 'fileName'>> {
    try {
      if (request.kind === 'attachment') {
        const file = await this.renderer.attachment(bytes, request.number, tenant);
        return { mediaType: file.mediaType, bytes: file.bytes, fileName: file.fileName };
      }
      const identity = { versionNumber: version.version, contentHash: version.canonicalSha256 };
      const file = await this.renderer.render(
        { bytes, identity, choice: request.choice, format: request.format },
        tenant,
      );
      return { mediaType: file.mediaType, bytes: file.bytes, fileName: null };
    } catch (error) {
      throw refusalOf(error, request);
    }
  }
}

/** The version read: through a transfer (receiving side), or by hash with the schools to log (sending side). */
type Found =
  | { version: DossierVersionEntity; transfer: TransferEntity; schools: null }
  | { version: DossierVersionEntity; transfer: null; schools: EventSchools };

function logEvent(
  request: RenderingRequest,
  base: Pick<TransferLogEvent, 'at' | 'actor' | 'schools' | 'transferId'> & { versionHash: string },
): TransferLogEvent {
  if (request.kind === 'attachment')
    return { ...base, type: 'attachment_fetched', attachment: request.number };
  const choice = request.choice;
  return {
    ...base,
    type: 'dossier_rendered',
    format: request.format,
    form: choice.form,
    verzorger: choice.form === 'for-verzorger' ? choice.verzorger : null,
  };
}

/** The renderer's refusals as the API's; the renderer's own messages stay out (they are not for vendors). */
function refusalOf(error: unknown, request: RenderingRequest): unknown {
  if (error instanceof RenderingCapacityError) {
    return new TransferError(
      'RENDERING_CAPACITY_EXHAUSTED',
      'unavailable',
      error.reason === 'tenant_queue_full'
        ? `Your organisation already has the most renderings running or waiting that it may. Fetch fewer at once and retry after ${RENDERING_RETRY_AFTER_SECONDS} s (see Retry-After).`
        : `The broker has the most renderings waiting that it may. Retry after ${RENDERING_RETRY_AFTER_SECONDS} s (see Retry-After).`,
      undefined,
      RENDERING_RETRY_AFTER_SECONDS,
    );
  }
  if (error instanceof RenderingError && error.code === 'VERZORGER_NOT_IN_DOSSIER') {
    const position =
      request.kind === 'rendering' && request.choice.form === 'for-verzorger' ? request.choice.verzorger : 0;
    return new TransferError(
      'VERZORGER_NOT_IN_DOSSIER',
      'unprocessable',
      `verzorger: the dossier has no verzorger at position ${position}. Count the dossier's verzorger elements from 1, in document order.`,
    );
  }
  if (error instanceof RenderingError && error.code === 'ATTACHMENT_NOT_IN_DOSSIER') {
    const number = request.kind === 'attachment' ? request.number : 0;
    return new TransferError(
      'ATTACHMENT_NOT_IN_DOSSIER',
      'not_found',
      `The dossier has no attachment ${number}. Attachments are numbered from 1 in document order, as the rendering lists them.`,
    );
  }
  return error;
}
