import { AuthenticatedClient, ClientAuthenticationError, ClientAuthenticator } from '@app/pki';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { ApiErrorBody } from '../api-errors/api-error';
import { ERROR_CATALOGUE } from '../api-errors/error-catalogue';
import { failInMiddleware } from '../api-errors/safe-cause';

/** The authenticated identity, attached to the request by the middleware below. */
export interface AuthenticatedRequest extends Request {
  client: AuthenticatedClient;
}

/**
 * Express middleware installed before any route (and so before routing itself): no request reaches a
 * controller, or even learns whether a path exists, without a registered, valid client certificate.
 */
export function clientAuthenticationMiddleware(authenticator: ClientAuthenticator) {
  const logger = new Logger('ClientAuthentication');
  return (request: Request, response: Response, next: NextFunction): void => {
    authenticator
      .authenticate(request.socket as TLSSocket)
      .then((client) => {
        (request as AuthenticatedRequest).client = client;
        next();
      })
      .catch((error: unknown) => {
        if (error instanceof ClientAuthenticationError) {
          // The code only: certificate subjects can carry names.
          logger.warn(`refused ${request.method} request: ${error.code}`);
          const body: ApiErrorBody = { error: error.code, message: error.message };
          // 401 for the client's certificate; 503 when the broker itself cannot judge revocation.
          response.status(ERROR_CATALOGUE[error.code].status).json(body);
          return;
        }
        // A registry read that failed (a full pool answers 503 DATABASE_BUSY in the filter).
        failInMiddleware(request, 'ClientAuthentication', next, error);
      });
  };
}
