import type { EntityManager } from 'typeorm';
import type { MandateSide } from './mandate.entity';

/*
 * What the registry tells the exchange log (issue #10): one event for every change of who may talk to the
 * broker, recorded inside the transaction that makes the change. Ids and codes only: a vendor id, a school
 * code, sector and bevoegd gezag, an auditor name and scope, a mandate's side, a certificate's serial,
 * fingerprint and holder. A change event names the fields that changed, never a display name's value.
 */

/** The holder of a client certificate: a vendor by id, an auditor by name. */
export interface CertificateHolder {
  kind: 'vendor' | 'auditor';
  id: string;
}

/** `webhook_url` as its column is named: the log says that it changed, never the URL. */
export type VendorField = 'name' | 'webhook_url';
export type SchoolField = 'name' | 'bevoegdGezag';
export type AuditorField = 'boards' | 'supervisory';

export type RegistryLogEvent =
  | { type: 'vendor_added'; at: Date; vendorId: string }
  | { type: 'vendor_changed'; at: Date; vendorId: string; changed: VendorField[] }
  | { type: 'school_added'; at: Date; schoolCode: string; sector: string; bevoegdGezag: string }
  | {
      type: 'school_changed';
      at: Date;
      schoolCode: string;
      changed: SchoolField[];
      /** The new bevoegd gezag, when it changed. */
      bevoegdGezag?: string;
    }
  | { type: 'auditor_added'; at: Date; auditorName: string; boards: string[]; supervisory: boolean }
  | {
      type: 'auditor_changed';
      at: Date;
      auditorName: string;
      changed: AuditorField[];
      /** The scope after the change. */
      boards: string[];
      supervisory: boolean;
    }
  | {
      type: 'mandate_granted' | 'mandate_revoked';
      at: Date;
      schoolCode: string;
      vendorId: string;
      side: MandateSide;
    }
  | { type: 'certificate_issued'; at: Date; holder: CertificateHolder; serial: string; fingerprint: string }
  | {
      type: 'certificate_revoked';
      at: Date;
      holder: CertificateHolder | null;
      serial: string;
      reason: string;
    }
  /** The CA published its CRL: the registry's revocations, signed. Recorded by the PKI after the file is written. */
  | { type: 'crl_published'; at: Date; crlNumber: number; revokedCount: number }
  /**
   * A school board's instruction, recorded by the vendor acting for it (issue #11): the vendor and its
   * certificate are the entry's actor. The board's decision date stays in the row (the log takes no dates).
   */
  | {
      type: 'board_instruction_recorded';
      at: Date;
      vendorId: string;
      certificateFingerprint: string;
      instructionId: string;
      bevoegdGezag: string;
      kind: 'release_policy' | 'metadata_retention';
      policy?: { id: string; version: number };
      retention?: { afterReleaseMonths: number; specialEducationMonths: number };
    };

/**
 * Where the registry's events go. `record` runs inside the transaction of the change, on its `manager`:
 * when it throws, the change is rolled back with it, so no registry change happens that is not recorded.
 */
export interface RegistryEventRecorder {
  record(manager: EntityManager, event: RegistryLogEvent): Promise<void>;
}

export const REGISTRY_EVENT_RECORDER = Symbol('REGISTRY_EVENT_RECORDER');

/** Records nothing: the registry's default where no exchange log is plugged in (tests, TestPki). */
export const NO_REGISTRY_EVENTS: RegistryEventRecorder = { record: async () => undefined };
