import { DossierVersionEntity } from './dossier-version.entity';
import { Transfers1763800000000 } from './migrations/1763800000000-transfers';
import { DossierVersionCategories1764300000000 } from './migrations/1764300000000-dossier-version-categories';
import { Evidence1764800000000 } from './migrations/1764800000000-evidence';
import { ReleaseRelay1764900000000 } from './migrations/1764900000000-release-relay';
import { Retention1765400000000 } from './migrations/1765400000000-retention';
import { EvidenceRecordEntity } from './evidence/evidence-record.entity';
import { ReleaseOutboxEntity } from './evidence/release-outbox.entity';
import { TransferHistoryEntity } from './transfer-history.entity';
import { TransferEntity } from './transfer.entity';

/** The exchange's tables, for the application's data source (see `@app/broker-schema`). */
export const TRANSFER_ENTITIES = [
  DossierVersionEntity,
  TransferEntity,
  TransferHistoryEntity,
  EvidenceRecordEntity,
  ReleaseOutboxEntity,
];

/**
 * The exchange's migrations, oldest first. A new one goes in `migrations/` and here. They build on the
 * registry's tables (schools, vendors, mandates), whose migrations are older.
 */
export const TRANSFER_MIGRATIONS = [
  Transfers1763800000000,
  DossierVersionCategories1764300000000,
  // After the runtime privileges (1764700000000): it grants its tables' rights itself.
  Evidence1764800000000,
  ReleaseRelay1764900000000,
  Retention1765400000000,
];
