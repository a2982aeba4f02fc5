import type { NextFunction, Request, Response } from 'express';
import { ApiErrorBody } from '../api-errors/api-error';

/**
 * RFC 9112 §3.2: a request target is the path (origin form), or an absolute URI (absolute form). The
 * router only looks at the path, so `GET https://evil.example/v1/whoami` would be served as
 * `/v1/whoami` while its signature names another host. An absolute target is accepted only when it
 * names this connection's scheme and the same authority as the Host header; anything else (another
 * host, `*`, a bare authority) is refused before routing.
 */
export function requestTargetMiddleware() {
  return (request: Request, response: Response, next: NextFunction): void => {
    // RFC 9112 §3.2: more than one Host is a 400. Node keeps the first and drops the others, so the
    // signed target and the one a proxy routed by could differ.
    if (hostHeaderCount(request.rawHeaders) > 1) {
      const body: ApiErrorBody = {
        error: 'REQUEST_TARGET_INVALID',
        message: 'The request has more than one Host header; send exactly one.',
      };
      response.status(400).json(body);
      return;
    }
    if (isOwnTarget(request.originalUrl ?? request.url, request.headers.host)) {
      next();
      return;
    }
    const body: ApiErrorBody = {
      error: 'REQUEST_TARGET_INVALID',
      message:
        'The request target names another host or scheme than the Host header. Send the path only ' +
        '(origin form), e.g. GET /v1/whoami.',
    };
    response.status(400).json(body);
  };
}

function hostHeaderCount(rawHeaders: string[]): number {
  let count = 0;
  for (let at = 0; at < rawHeaders.length; at += 2) if (rawHeaders[at].toLowerCase() === 'host') count++;
  return count;
}

function isOwnTarget(target: string, host: string | undefined): boolean {
  if (target.startsWith('/')) return true;
  if (host === undefined) return false;
  try {
    const url = new URL(target);
    const own = new URL(`https://${host}`);
    return url.protocol === 'https:' && url.host === own.host && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
