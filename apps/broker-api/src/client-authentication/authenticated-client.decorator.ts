import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './client-authentication.middleware';

/** Injects the identity the middleware established; a handler never sees an unauthenticated request. */
export const Client = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().client,
);
