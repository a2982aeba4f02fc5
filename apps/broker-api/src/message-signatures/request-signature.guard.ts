import {
  NonceStore,
  VerifiedRequest,
  certificateKey,
  targetUriOf,
  verifySignedRequest,
} from '@app/http-signing';
import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import type { TLSSocket } from 'node:tls';
import type { AuthenticatedRequest } from '../client-authentication/client-authentication.middleware';
import type { RequestWithRawBody } from '../request-bodies/request-bodies';

export const NONCE_STORE = Symbol('NONCE_STORE');
export const SIGNATURE_MAX_AGE_SECONDS = Symbol('SIGNATURE_MAX_AGE_SECONDS');

/** A request whose signature the broker verified, with what it verified (for `/v1/echo`). */
export interface SignedRequest extends AuthenticatedRequest, RequestWithRawBody {
  signature?: VerifiedRequest & { targetUri: string };
}

/**
 * Every vendor API request (`/v1/…`) must be signed (RFC 9421) with the key of the client certificate
 * presented on this connection, cover method, target URI, Content-Digest of its body, `created` and a
 * fresh `nonce`, be recent, and not be a replay. Runs after authentication and body parsing, before the
 * handler; a refusal is a 401 with the refusal's own code.
 */
@Injectable()
export class RequestSignatureGuard implements CanActivate {
  constructor(
    @Inject(NONCE_STORE) private readonly nonceStore: NonceStore,
    @Inject(SIGNATURE_MAX_AGE_SECONDS) private readonly maxAgeSeconds: number,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SignedRequest>();
    if (!request.path.startsWith('/v1/')) return true; // health and API docs need no signature
    const peer = (request.socket as TLSSocket).getPeerCertificate();
    const targetUri = targetUriOf(request.headers.host ?? '', request.originalUrl);
    const outcome = await verifySignedRequest({
      method: request.method,
      url: targetUri,
      headers: request.headers,
      body: request.rawBody,
      certificate: certificateKey(peer.raw),
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
