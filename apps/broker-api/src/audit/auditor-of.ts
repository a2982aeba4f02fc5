import type { AuthenticatedClient } from '@app/pki';
import { AuditError } from './audit-error';
import type { AuditorIdentity } from './audited-read';

/** The auditor behind a request; a vendor certificate on an auditor route is refused. */
export function auditorOf(client: AuthenticatedClient): AuditorIdentity {
  if (client.kind !== 'auditor') {
    throw new AuditError(
      'AUDITOR_ONLY',
      'Only auditors query the exchange log here; vendors prove their own entries under /v1/log.',
    );
  }
  return client;
}
