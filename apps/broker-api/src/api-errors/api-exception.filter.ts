import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { componentOf, safeCause } from './safe-cause';
import { TransferError, TransferErrorKind } from '@app/transfers';
import {
  DATABASE_OUTAGE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
} from '@app/persistence/database-unavailable';
import { DATABASE_BUSY_RETRY_AFTER_SECONDS, databaseBusyReason } from '@app/persistence/database-busy';
import { REDIS_OUTAGE_RETRY_AFTER_SECONDS, isRedisUnavailable } from '@app/queues/redis-unavailable';
import { ApiErrorBody } from './api-error';
import { AuditError } from '../audit/audit-error';
import { BoardInstructionError } from '@app/registry/board-instruction-error';
import { ERROR_CATALOGUE } from './error-catalogue';

export const STATUS_BY_KIND: Record<TransferErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
};

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * The one place where anything thrown becomes an HTTP answer. Every answer has the `{ error, message }`
 * shape; unexpected errors are logged by a safe cause (class, code, handler; never the message, which
 * may carry data) and never shown.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    if (clientHasGone(request)) {
      // Whatever failed, nobody is left to answer: a hang-up is the client's choice, not our error.
      this.logger.warn(
        `${request.method} request dropped: the client closed the connection before the answer`,
      );
      request.socket.destroy();
      return;
    }
    const [status, body, retryAfterSeconds] = this.toAnswer(exception, host);
    // A busy broker says when to come back (RFC 9110 §10.2.3), as the rate limit's 429 does.
    if (retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(retryAfterSeconds));
    response.status(status).json(body);
  }

  /** The status, the body, and for a busy or unreachable broker the seconds to wait before a retry. */
  private toAnswer(
    exception: unknown,
    host: ArgumentsHost,
  ): [number, ApiErrorBody, retryAfterSeconds?: number] {
    if (exception instanceof TransferError) {
      return [
        STATUS_BY_KIND[exception.kind],
        { error: exception.code, message: exception.message, ...(exception.details ?? {}) },
        exception.retryAfterSeconds,
      ];
    }
    if (exception instanceof AuditError) {
      // Every audit refusal is a catalogued code (its union is checked against the catalogue's keys).
      return [
        ERROR_CATALOGUE[exception.code].status,
        { error: exception.code, message: exception.message },
        exception.retryAfterSeconds,
      ];
    }
    if (exception instanceof BoardInstructionError) {
      // Its code union is a subset of the catalogue's keys (checked by the compiler here).
      return [ERROR_CATALOGUE[exception.code].status, { error: exception.code, message: exception.message }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (typeof payload === 'object' && payload !== null && 'error' in payload && 'message' in payload) {
        const { error, message } = payload as { error: unknown; message: unknown };
        if (typeof error === 'string' && typeof message === 'string' && /^[A-Z_]+$/.test(error)) {
          return [status, { error, message }];
        }
      }
      const message = status === 404 ? 'No such route. The vendor API lives under /v1/.' : exception.message;
      return [status, { error: CODES_BY_STATUS[status] ?? `HTTP_${status}`, message }];
    }
    // Outside the use cases that say so themselves (refuseWhenBusy), a full pool is still "busy, retry".
    if (databaseBusyReason(exception) === 'pool_exhausted') {
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        {
          error: 'DATABASE_BUSY',
          message: `The broker is too busy to handle this request now; nothing was changed. Retry after ${DATABASE_BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        },
        DATABASE_BUSY_RETRY_AFTER_SECONDS,
      ];
    }
    if (isDatabaseUnavailable(exception)) {
      // An outage, not a bug: the vendor may retry, and /health says the same meanwhile.
      this.logger.warn(`Database unavailable (${safeCause(exception)}) in ${componentOf(host)}`);
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        {
          error: 'DATABASE_UNAVAILABLE',
          message: `The broker cannot reach its database now; nothing was changed. Retry after ${DATABASE_OUTAGE_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        },
        DATABASE_OUTAGE_RETRY_AFTER_SECONDS,
      ];
    }
    if (isRedisUnavailable(exception)) {
      // Nonces (replay protection) and rate limits live in Redis: without it no signed request is checked.
      this.logger.warn(`Redis unavailable (${safeCause(exception)}) in ${componentOf(host)}`);
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        {
          error: 'REDIS_UNAVAILABLE',
          message: `The broker cannot reach Redis now, so it cannot check this request's signature nonce; nothing was changed. Retry after ${REDIS_OUTAGE_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        },
        REDIS_OUTAGE_RETRY_AFTER_SECONDS,
      ];
    }
    this.logger.error(`Unhandled ${safeCause(exception)} in ${componentOf(host)}`);
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      { error: 'INTERNAL_ERROR', message: 'The broker could not handle this request; nothing was changed.' },
    ];
  }
}

/** The client hung up (or half-closed) before the answer could be written. */
function clientHasGone(request: Request): boolean {
  const socket = request.socket;
  return socket.destroyed || !socket.writable || socket.readableEnded;
}
