import type { SchoolEntity } from '@app/registry';

/**
 * Where the exchange reads a vendor's mandates, asked on nearly every request. The registry answers by
 * default (a query each time); an application with a change-invalidated cache (broker-api's
 * `CachedRegistryReads`) passes that instead. Whatever answers must judge validity against `at` on every
 * call and must never answer from a cache it cannot keep current (revocation ends access at once).
 * Callers must not modify the schools it returns: a cache may share them between requests.
 */
export interface MandateReads {
  schoolsActingFor(vendorId: string, side: 'source' | 'target', at: Date): Promise<SchoolEntity[]>;
}

/** Nest token of the `MandateReads` the exchange uses (optional; the registry when absent). */
export const MANDATE_READS = Symbol('MANDATE_READS');
