import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = Symbol('PUBLIC_ROUTE');

/**
 * Marks a controller or handler whose requests need no RFC 9421 signature (mutual TLS still applies).
 * Every other route is signed: the signature guard reads this from the route that will handle the
 * request, never from the path's text, so no spelling of a path can make a signed route public.
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
