import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ResponseObject } from '@nestjs/swagger';
import {
  ERROR_CATALOGUE,
  ERROR_CODES,
  ERROR_GROUPS,
  ErrorCatalogueEntry,
  ErrorCode,
} from '../api-errors/error-catalogue';

/** What a route is, as far as the layers in front of its handler are concerned. */
export interface RouteLayers {
  /** Under /v1: the request must be signed (RFC 9421). */
  signed?: boolean;
  /** The body it reads: JSON, a dossier (application/xml), or either (the echo). */
  body?: 'json' | 'xml' | 'any';
  /** A transfer route: auditors get VENDOR_ONLY. */
  vendorOnly?: boolean;
}

/** Every code a route can answer with: those of the layers in front of it, plus its handler's own. */
export function routeErrorCodes(layers: RouteLayers, own: ErrorCode[]): ErrorCode[] {
  const codes = new Set<ErrorCode>([
    // Node's HTTP parser, before anything else (every route alike).
    'REQUEST_MALFORMED',
    'REQUEST_TIMEOUT',
    'REQUEST_HEADERS_TOO_LARGE',
    ...ERROR_GROUPS.certificate,
    'REQUEST_TARGET_INVALID',
    'RATE_LIMITED',
    // Every request looks its certificate up in the registry, so a database outage can meet any route.
    'DATABASE_UNAVAILABLE',
    'INTERNAL_ERROR',
    ...own,
  ]);
  const add = (group: ErrorCode[]) => group.forEach((code) => codes.add(code));
  if (layers.signed) add(ERROR_GROUPS.signature);
  // A signed request's nonce is recorded in Redis: a Redis outage can meet every signed route.
  if (layers.signed) codes.add('REDIS_UNAVAILABLE');
  if (layers.signed && layers.body) add(ERROR_GROUPS.contentDigest);
  if (layers.body === 'json' || layers.body === 'any') add(ERROR_GROUPS.jsonBody);
  if (layers.body === 'xml' || layers.body === 'any') add(ERROR_GROUPS.xmlBody);
  if (layers.vendorOnly) codes.add('VENDOR_ONLY');
  return ERROR_CODES.filter((code) => codes.has(code)); // catalogue order: stable documents
}

/** One OpenAPI response per status, listing its codes, each with an example answer. */
export function errorResponses(codes: ErrorCode[]): Record<number, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ResponseObject> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: group.map((code) => `- \`${code}\`: ${ERROR_CATALOGUE[code].meaning}`).join('\n'),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/ApiError' },
              { type: 'object', properties: { error: { type: 'string', enum: group } } },
            ],
          },
          examples: Object.fromEntries(
            group.map((code) => [
              code,
              {
                summary: ERROR_CATALOGUE[code].meaning,
                value: errorExample(code),
              },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}

/** The answer the broker gives with this code, as the catalogue exemplifies it. */
export function errorExample(code: ErrorCode): Record<string, unknown> {
  const entry: ErrorCatalogueEntry = ERROR_CATALOGUE[code];
  return { error: code, message: entry.example, ...entry.details };
}

/**
 * Documents a route's error answers from the error catalogue: the codes of the layers in front of the
 * handler (mutual TLS, rate limit, signature, body parsing) and the handler's own `codes`.
 */
export function ApiErrorResponses(layers: RouteLayers, ...codes: ErrorCode[]): MethodDecorator {
  const responses = errorResponses(routeErrorCodes(layers, codes));
  return applyDecorators(
    ...Object.entries(responses).map(([status, response]) =>
      ApiResponse({ status: Number(status), ...response }),
    ),
  );
}
