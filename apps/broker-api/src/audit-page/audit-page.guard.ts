import { CanActivate, ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { auditorOf } from '../audit/auditor-of';
import type { AuthenticatedRequest } from '../client-authentication/client-authentication.middleware';

/**
 * What a browser may load here and send from here: our own scripts, styles and data only. No inline
 * script (`script-src 'self'`), no framing (clickjacking), no form posts or connections elsewhere.
 */
export const AUDIT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': AUDIT_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  // The page's data is an audit trail: never kept by the browser or a proxy.
  'Cache-Control': 'no-store',
};

/**
 * `Sec-Fetch-Site` values a browser sends for requests this page makes itself (`same-origin`) or the
 * auditor typed or bookmarked (`none`). Clients without the header are not browsers (curl, scripts):
 * no other site can make them send a request, so they are let through.
 */
const OWN_REQUESTS = new Set(['same-origin', 'none']);

/**
 * The gate of `/audit` (a `@PublicRoute()`: browsers cannot sign). Runs after mutual TLS has identified
 * the client: sets the page's security headers on every answer, refusals included, then refuses a
 * request another site made the auditor's browser send (each data call is a logged query), and any
 * certificate but an auditor's.
 */
@Injectable()
export class AuditPageGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && !OWN_REQUESTS.has(String(site))) {
      throw new HttpException(
        {
          error: 'AUDIT_PAGE_CROSS_SITE',
          message:
            'The auditor page answers only requests it makes itself: open it by typing its address or from a bookmark, not from another site.',
        },
        403,
      );
    }
    auditorOf(request.client);
    return true;
  }
}
