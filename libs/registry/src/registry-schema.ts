import { AuditorEntity } from './auditor.entity';
import { BoardInstructionEntity } from './board-instruction.entity';
import { ClientCertificateEntity } from './client-certificate.entity';
import { MandateEntity } from './mandate.entity';
import { Registry1763790000000 } from './migrations/1763790000000-registry';
import { AuditorScope1764660000000 } from './migrations/1764660000000-auditor-scope';
import { VendorWebhook1765300000000 } from './migrations/1765300000000-vendor-webhook';
import { BoardInstructions1765100000000 } from './migrations/1765100000000-board-instructions';
import { RegistryChangeNotices1766000000001 } from './migrations/1766000000001-registry-change-notices';
import { SchoolEntity } from './school.entity';
import { VendorEntity } from './vendor.entity';

/** The registry's tables, for the application's data source (see `@app/broker-schema`). */
export const REGISTRY_ENTITIES = [
  VendorEntity,
  SchoolEntity,
  MandateEntity,
  AuditorEntity,
  ClientCertificateEntity,
  BoardInstructionEntity,
];

/** The registry's migrations, oldest first. A new one goes in `migrations/` and here. */
export const REGISTRY_MIGRATIONS = [
  Registry1763790000000,
  AuditorScope1764660000000,
  // After the runtime privileges (1764700000000): it grants its table's rights itself.
  BoardInstructions1765100000000,
  VendorWebhook1765300000000,
  RegistryChangeNotices1766000000001,
];
