import { ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../client-authentication/client-authentication.middleware';

/**
 * A request budget per client, not per IP address: vendors run many LAS servers behind few addresses,
 * and one vendor must not starve the others. The client is known (the certificate was checked before
 * routing), so its certificate's owner is the key. Counting happens in this process's memory: one
 * broker-api instance is the deployment today; several would need the Redis store of @nestjs/throttler.
 */
@Injectable()
export class VendorRateLimitGuard extends ThrottlerGuard {
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
