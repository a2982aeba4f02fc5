import { DossierVersionEntity } from './dossier-version.entity';
import { Transfers1763800000000 } from './migrations/1763800000000-transfers';
import { DossierVersionCategories1764300000000 } from './migrations/1764300000000-dossier-version-categories';
import { Evidence1764800000000 } from './migrations/1764800000000-evidence';
import { ReleaseRelay1764900000000 } from './migrations/1764900000000-release-relay';
import { MatchApproval1765000000000 } from './migrations/1765000000000-match-approval';
import { InzageBasis1765000000001 } from './migrations/1765000000001-inzage-basis';
import { ConsentDeclarations1765000000002 } from './migrations/1765000000002-consent-declarations';
import { ConsentDeclarationEntity } from './evidence/consent-declaration.entity';
import { VersionRetraction1765200000000 } from './migrations/1765200000000-version-retraction';
import { NotificationOutbox1765300000001 } from './migrations/1765300000001-notification-outbox';
import { NotificationOutboxEntity } from './notifications/notification-outbox.entity';
import { RecallNotices1765200000001 } from './migrations/1765200000001-recall-notices';
import { RecallNoticeEntity } from './recall/recall-notice.entity';
import { Retention1765400000000 } from './migrations/1765400000000-retention';
import { DeclarationsGoWithTheirVersion1765400000001 } from './migrations/1765400000001-declarations-go-with-their-version';
import { OutboxWakeups1766000000000 } from './migrations/1766000000000-outbox-wakeups';
import { SealedGateFacts1766200000000 } from './migrations/1766200000000-sealed-gate-facts';
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
  NotificationOutboxEntity,
  RecallNoticeEntity,
  ConsentDeclarationEntity,
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
  MatchApproval1765000000000,
  InzageBasis1765000000001,
  ConsentDeclarations1765000000002,
  VersionRetraction1765200000000,
  RecallNotices1765200000001,
  NotificationOutbox1765300000001,
  Retention1765400000000,
  DeclarationsGoWithTheirVersion1765400000001,
  OutboxWakeups1766000000000,
  SealedGateFacts1766200000000,
];
