import { Registry1763790000000 } from './1763790000000-registry';
import { Transfers1763800000000 } from './1763800000000-transfers';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [Registry1763790000000, Transfers1763800000000];
