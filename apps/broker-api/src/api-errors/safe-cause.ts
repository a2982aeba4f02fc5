import type { ArgumentsHost, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * What an operator can act on without the message (which may carry personal data): the error's class,
 * its `code` when it has one (pg's SQLSTATE, Node's ERR_…, errno names), and the same for its cause.
 */
export function safeCause(exception: unknown): string {
  const describe = (error: unknown): string => {
    if (!(error instanceof Error)) return typeof error;
    const code = (error as { code?: unknown }).code;
    const safeCode = typeof code === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(code) ? ` (code ${code})` : '';
    return `${error.constructor.name}${safeCode}`;
  };
  const cause = exception instanceof Error ? exception.cause : undefined;
  return cause === undefined ? describe(exception) : `${describe(exception)}, caused by ${describe(cause)}`;
}

const FAILING_MIDDLEWARE = Symbol('failingMiddleware');

/**
 * Passes an unexpected error of a middleware on to the exception filter, naming the middleware: those run
 * before routing, so the filter would otherwise know only the method (`GET (no route)`).
 */
export function failInMiddleware(
  request: Request,
  middleware: string,
  next: (error: unknown) => void,
  error: unknown,
): void {
  (request as Request & { [FAILING_MIDDLEWARE]?: string })[FAILING_MIDDLEWARE] = middleware;
  next(error);
}

/**
 * The handler that was running (`Controller.method`), or the middleware that failed, or the route
 * pattern, or the method alone.
 */
export function componentOf(host: ArgumentsHost): string {
  const context = host as Partial<ExecutionContext>;
  const handler = context.getHandler?.();
  const controller = context.getClass?.();
  if (handler && controller) return `${controller.name}.${handler.name}`;
  const request = host.switchToHttp().getRequest<Request>();
  const middleware = (request as Request & { [FAILING_MIDDLEWARE]?: string })[FAILING_MIDDLEWARE];
  if (middleware !== undefined) return `${middleware} middleware (${request.method})`;
  const route = (request.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? `${request.method} ${route}` : `${request.method} (no route)`;
}
