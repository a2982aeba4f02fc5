import { CanActivate, ExecutionContext, HttpException, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
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

const OPENS_FROM_LINKS = Symbol('auditPageOpensFromLinks');

/**
 * Marks the route of the page's HTML: a link to it from another site (webmail, an intranet) may open it.
 * Route metadata, not the path: nothing else under `/audit` can be reached that way by accident.
 */
export const OpensFromLinks = (): MethodDecorator => SetMetadata(OPENS_FROM_LINKS, true);

/**
 * A click on a link (or a typed address) loading a whole page, as the browser marks it. A script, image,
 * form-less fetch or frame elsewhere cannot claim this: browsers set these headers, pages cannot.
 */
function isTopLevelNavigation(headers: IncomingHttpHeaders): boolean {
  return headers['sec-fetch-mode'] === 'navigate' && headers['sec-fetch-dest'] === 'document';
}

/**
 * The gate of `/audit` (a `@PublicRoute()`: browsers cannot sign). Runs after mutual TLS has identified
 * the client: sets the page's security headers on every answer, refusals included, then refuses a
 * request another site made the auditor's browser send (each data call is a logged query), and any
 * certificate but an auditor's. One exception: a top-level navigation to the page's HTML (a link in a
 * mail or on an intranet). The HTML runs no query itself; the queries its scripts then make are
 * same-origin and are the auditor's own, as when the page is opened from a bookmark.
 */
@Injectable()
export class AuditPageGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const site = request.headers['sec-fetch-site'];
    const linkedPage =
      this.reflector.get<boolean>(OPENS_FROM_LINKS, context.getHandler()) === true &&
      isTopLevelNavigation(request.headers);
    if (site !== undefined && !OWN_REQUESTS.has(String(site)) && !linkedPage) {
      throw new HttpException(
        {
          error: 'AUDIT_PAGE_CROSS_SITE',
          message:
            'The auditor page answers only requests it makes itself: another site may link to the page (/audit), but not load its files or data.',
        },
        403,
      );
    }
    auditorOf(request.client);
    return true;
  }
}
