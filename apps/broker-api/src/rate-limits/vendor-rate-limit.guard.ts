import { ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import type { AuthenticatedRequest } from '../client-authentication/client-authentication.middleware';
import { PUBLIC_ROUTE } from '../message-signatures/public-route.decorator';

/**
 * A request budget per client, not per IP address: vendors run many LAS servers behind few addresses,
 * and one vendor must not starve the others. The client is known (the certificate was checked before
 * routing), so its certificate's owner is the key. Counted in Redis (vendorRateLimitModule), so every
 * broker-api process and instance draws on one budget per client.
 *
 * Redis unreachable: a signed route fails as its nonce check would (the error goes on to the exception
 * filter, which answers it as it answers the nonce store's; nothing is served uncounted), as the request
 * could not pass the signature guard without Redis anyway. A public route (health, docs, the audit page)
 * needs no Redis otherwise and is served uncounted, so health can still say what is wrong.
 */
@Injectable()
export class VendorRateLimitGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (error) {
      if (error instanceof HttpException || !this.isPublicRoute(context)) throw error;
      return true;
    }
  }

  private isPublicRoute(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic === true;
  }

  /**
   * One budget per client for all routes together, as the API guide promises ("requests per minute per
   * vendor"): the base class keys the count by controller and handler too, which gave a vendor the budget
   * once per route. Hashed, so no organisation's name is readable in a Redis key.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return createHash('sha256').update(`${throttlerName}-${tracker}`).digest('hex');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the base class types the request as Record<string, any>
  protected override async getTracker(request: Record<string, any>): Promise<string> {
    const client = (request as AuthenticatedRequest).client;
    if (!client) return `anonymous:${String(request.ip)}`;
    return client.kind === 'vendor' ? `vendor:${client.vendorId}` : `auditor:${client.auditorName}`;
  }

  /**
   * The base class sets X-RateLimit-* only on answers within the budget; the API guide promises them on
   * every answer to a route, the 429 included, so a client learns the budget from its refusal too.
   */
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader(`${this.headerPrefix}-Limit`, detail.limit);
    response.setHeader(`${this.headerPrefix}-Remaining`, 0);
    response.setHeader(`${this.headerPrefix}-Reset`, detail.timeToExpire);
    throw new HttpException(
      {
        error: 'RATE_LIMITED',
        message: `More than ${detail.limit} requests in ${Math.round(detail.ttl / 1000)} s from your organisation; retry after ${detail.timeToBlockExpire} s (see Retry-After).`,
      },
      429,
    );
  }
}
