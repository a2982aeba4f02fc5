// The mapper moved to libs/persistence (#13) so the registry can read plainly too; kept here for imports.
export { plainRows } from '@app/persistence';
export type { PlainRows } from '@app/persistence';
