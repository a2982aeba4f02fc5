import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  applyDecorators,
  UseInterceptors,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { Response } from 'express';
import { Observable, from, lastValueFrom } from 'rxjs';
import { ERROR_CATALOGUE } from '../api-errors/error-catalogue';
import type { AuthenticatedRequest } from '../client-authentication/client-authentication.middleware';
import type { RequestWithRawBody } from '../request-bodies/request-bodies';
import { readIdempotencyKey } from './idempotency-key';
import { IdempotencyRefusal } from './idempotency-refusal';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_RETENTION_HOURS,
  IDEMPOTENT_REPLAYED_HEADER,
  REPLAYED_ANSWER_HEADERS,
} from './idempotency-settings';
import { IdempotentRequests } from './idempotent-requests';

/**
 * Puts a route that creates something under Idempotency-Key (`IdempotentRequests`): without the header
 * it behaves as before; with it, a retry replays the first answer. Keys are per vendor: another
 * organisation's key is never seen. Only vendors' requests are keyed (the others are refused anyway).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly requests: IdempotentRequests,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest & RequestWithRawBody>();
    const response = http.getResponse<Response>();
    const sent = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (sent === undefined || request.client?.kind !== 'vendor') return next.handle();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? 201 : 200);
    return from(this.answer(request, response, sent, status, request.client.vendorId, next));
  }

  private async answer(
    request: RequestWithRawBody,
    response: Response,
    sent: string | string[],
    status: number,
    vendorId: string,
    next: CallHandler,
  ): Promise<unknown> {
    try {
      const key = readIdempotencyKey(sent);
      if (key === null) {
        throw new IdempotencyRefusal(
          'IDEMPOTENCY_KEY_INVALID',
          'The Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces, quotes or backslashes), sent once; a UUID is a good key. Nothing was done.',
        );
      }
      const keyed = {
        vendorId,
        key,
        method: request.method,
        target: request.originalUrl,
        body: request.rawBody,
      };
      const answer = await this.requests.handle(keyed, async () => {
        const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
        return { result, status, headers: replayedHeaders(response) };
      });
      if (!answer.replayed) return answer.result;
      for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
      response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      response.status(answer.status);
      return JSON.parse(answer.body) as unknown;
    } catch (error) {
      if (!(error instanceof IdempotencyRefusal)) throw error;
      if (error.retryAfterSeconds !== undefined)
        response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw new HttpException(
        { error: error.code, message: error.message },
        ERROR_CATALOGUE[error.code].status,
      );
    }
  }
}

function replayedHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_ANSWER_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

/** The header as OpenAPI describes it on the routes that take it. */
const IDEMPOTENCY_KEY_HEADER_DOC = {
  name: IDEMPOTENCY_KEY_HEADER,
  required: false,
  description:
    'Optional. A key of your choosing (1–255 visible ASCII characters; a UUID is good) that makes a retry ' +
    'safe: the same key with the same request (method, path and body bytes) within ' +
    `${IDEMPOTENCY_KEY_RETENTION_HOURS} h creates nothing again and answers the first answer, marked ` +
    `\`${IDEMPOTENT_REPLAYED_HEADER}: true\`. The same key with another request: 422 IDEMPOTENCY_KEY_REUSED; ` +
    'while the first is still being handled: 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After. Keys are your ' +
    'organisation’s own.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!#-\\[\\]-~]{1,255}$' },
};

/** Marks a route that creates something: it takes an Idempotency-Key (see `IdempotencyInterceptor`). */
export const Idempotent = (): MethodDecorator =>
  applyDecorators(ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC), UseInterceptors(IdempotencyInterceptor));
