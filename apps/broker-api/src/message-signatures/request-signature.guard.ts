import { NonceStore, VerifiedRequest, targetUriOf, verifySignedRequest } from '@app/http-signing';
import { presentedCertificate } from '@app/pki';
import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TLSSocket } from 'node:tls';
import type { AuthenticatedRequest } from '../client-authentication/client-authentication.middleware';
import type { RequestWithRawBody } from '../request-bodies/request-bodies';
import { PUBLIC_ROUTE } from './public-route.decorator';

export const NONCE_STORE = Symbol('NONCE_STORE');
export const SIGNATURE_MAX_AGE_SECONDS = Symbol('SIGNATURE_MAX_AGE_SECONDS');

/** A request whose signature the broker verified, with what it verified (for `/v1/echo`). */
export interface SignedRequest extends AuthenticatedRequest, RequestWithRawBody {
  signature?: VerifiedRequest & { targetUri: string };
}

/**
 * Every request to a route must be signed, unless its handler or controller is marked `@PublicRoute()`
 * (health): decided from the route Nest matched, never from the path's text. A signed request is signed
 * (RFC 9421) with the key of the client certificate presented on this connection, covers method, target
 * URI, Content-Digest and Content-Type of its body, `created` and a fresh `nonce`, is recent, and is not
 * a replay. Runs after authentication and body parsing, before the
 * handler; a refusal is a 401 with the refusal's own code.
 */
@Injectable()
export class RequestSignatureGuard implements CanActivate {
  constructor(
    @Inject(NONCE_STORE) private readonly nonceStore: NonceStore,
    @Inject(SIGNATURE_MAX_AGE_SECONDS) private readonly maxAgeSeconds: number,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    const request = context.switchToHttp().getRequest<SignedRequest>();
    // Read once per connection; authentication refused every request without a certificate before this.
    const presented = presentedCertificate(request.socket as TLSSocket);
    if (presented === null) throw new Error('a signed route was reached without a client certificate');
    const targetUri = targetUriOf(request.headers.host ?? '', request.originalUrl);
    const outcome = await verifySignedRequest({
      method: request.method,
      url: targetUri,
      headers: request.headers,
      body: request.rawBody,
      certificate: { publicKey: presented.publicKey, fingerprintSha256: presented.fingerprintSha256 },
      maxAgeSeconds: this.maxAgeSeconds,
      nonceStore: this.nonceStore,
    });
    if (!outcome.ok) {
      throw new HttpException({ error: outcome.refusal.code, message: outcome.refusal.message }, 401);
    }
    request.signature = { ...outcome.verified, targetUri };
    return true;
  }
}
