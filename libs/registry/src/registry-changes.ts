import { DataSource } from 'typeorm';
import { AuditorEntity } from './auditor.entity';
import { AuditorField, RegistryEventRecorder, SchoolField } from './registry-events';
import { auditorOrRefuse, schoolOrRefuse, vendorOrRefuse } from './registry-lookups';
import { auditorScope, requireBevoegdGezag, requireName, requireWebhookUrl } from './registry-rules';
import { formatSchoolCode } from './school-code';
import { SchoolEntity } from './school.entity';
import { VendorEntity } from './vendor.entity';

/**
 * Changes to registered vendors, schools and auditors, each recorded in its transaction. The row is
 * locked while it changes. A change that changes nothing writes nothing and records nothing: the log
 * holds what happened, not what was asked.
 */
export class RegistryChanges {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recorder: RegistryEventRecorder,
  ) {}

  async changeVendor(input: { id: string; name: string }): Promise<VendorEntity> {
    const name = requireName(input.name, 'vendor name');
    return this.dataSource.transaction(async (manager) => {
      const vendor = await vendorOrRefuse(manager, input.id, { forUpdate: true });
      if (vendor.name === name) return vendor;
      vendor.name = name;
      const saved = await manager.getRepository(VendorEntity).save(vendor);
      await this.recorder.record(manager, {
        type: 'vendor_changed',
        at: new Date(),
        vendorId: vendor.id,
        changed: ['name'],
      });
      return saved;
    });
  }

  /**
   * Sets (`url`) or clears (`null`) where the broker notifies the vendor. The log says `webhook_url`
   * changed, never the URL. Notifications still pending go to the new URL; after a clear, to none.
   */
  async setVendorWebhook(input: { id: string; url: string | null }): Promise<VendorEntity> {
    const url = input.url === null ? null : requireWebhookUrl(input.url);
    return this.dataSource.transaction(async (manager) => {
      const vendor = await vendorOrRefuse(manager, input.id, { forUpdate: true });
      if (vendor.webhookUrl === url) return vendor;
      vendor.webhookUrl = url;
      const saved = await manager.getRepository(VendorEntity).save(vendor);
      await this.recorder.record(manager, {
        type: 'vendor_changed',
        at: new Date(),
        vendorId: vendor.id,
        changed: ['webhook_url'],
      });
      return saved;
    });
  }

  async changeSchool(input: { code: string; name?: string; bevoegdGezag?: string }): Promise<SchoolEntity> {
    const name = input.name === undefined ? undefined : requireName(input.name, 'school name');
    const bevoegdGezag =
      input.bevoegdGezag === undefined ? undefined : requireBevoegdGezag(input.bevoegdGezag);
    return this.dataSource.transaction(async (manager) => {
      const school = await schoolOrRefuse(manager, input.code, { forUpdate: true });
      const changed: SchoolField[] = [];
      if (name !== undefined && name !== school.name) {
        school.name = name;
        changed.push('name');
      }
      if (bevoegdGezag !== undefined && bevoegdGezag !== school.bevoegdGezag) {
        school.bevoegdGezag = bevoegdGezag;
        changed.push('bevoegdGezag');
      }
      if (changed.length === 0) return school;
      const saved = await manager.getRepository(SchoolEntity).save(school);
      await this.recorder.record(manager, {
        type: 'school_changed',
        at: new Date(),
        schoolCode: formatSchoolCode(school),
        changed,
        ...(changed.includes('bevoegdGezag') ? { bevoegdGezag: school.bevoegdGezag } : {}),
      });
      return saved;
    });
  }

  /**
   * A new scope for an auditor. Given boards alone make it a board auditor; `supervisory: true` alone
   * makes it supervisory (its boards are dropped); what is not given stays. The result must obey the
   * scope rule, as when it was added.
   */
  async changeAuditor(input: {
    name: string;
    boards?: string[];
    supervisory?: boolean;
  }): Promise<AuditorEntity> {
    return this.dataSource.transaction(async (manager) => {
      const auditor = await auditorOrRefuse(manager, input.name, { forUpdate: true });
      if (input.boards === undefined && input.supervisory === undefined) return auditor;
      const scope = auditorScope({
        supervisory: input.supervisory ?? (input.boards !== undefined ? false : auditor.supervisory),
        boards: input.boards ?? (input.supervisory === true ? [] : auditor.boards),
      });
      const changed: AuditorField[] = [];
      if (scope.boards.join(',') !== [...auditor.boards].sort().join(',')) changed.push('boards');
      if (scope.supervisory !== auditor.supervisory) changed.push('supervisory');
      if (changed.length === 0) return auditor;
      auditor.boards = scope.boards;
      auditor.supervisory = scope.supervisory;
      const saved = await manager.getRepository(AuditorEntity).save(auditor);
      await this.recorder.record(manager, {
        type: 'auditor_changed',
        at: new Date(),
        auditorName: auditor.name,
        changed,
        boards: scope.boards,
        supervisory: scope.supervisory,
      });
      return saved;
    });
  }
}
