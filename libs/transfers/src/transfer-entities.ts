import { DossierVersionEntity } from './dossier-version.entity';
import { TransferHistoryEntity } from './transfer-history.entity';
import { TransferEntity } from './transfer.entity';

export const TRANSFER_ENTITIES = [DossierVersionEntity, TransferEntity, TransferHistoryEntity];
