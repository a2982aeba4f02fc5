import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { TransferError } from '@app/transfers';
import { ApiErrorBody } from '../api-errors/api-error';

/** The request with the exact bytes it arrived with: what the signature's Content-Digest covers. */
export interface RequestWithRawBody extends Request {
  rawBody?: Buffer;
}

export const XML_MEDIA_TYPES = ['application/xml', 'text/xml'];

/**
 * Body parsing for the vendor API, installed after client authentication: JSON for commands, raw
 * bytes for dossiers (kept byte for byte: the receiver gets exactly what was staged). Both keep the
 * raw bytes for signature checks. A body that is too large or not JSON gets a JSON error with its own
 * code, before any handler runs.
 */
export function requestBodyParsers(limits: { jsonBytes: number; dossierBytes: number }): RequestHandler[] {
  const keepRaw = (request: Request, _response: Response, buffer: Buffer) => {
    (request as RequestWithRawBody).rawBody = buffer;
  };
  return [
    express.json({ limit: limits.jsonBytes, type: 'application/json', verify: keepRaw, strict: true }),
    express.raw({ limit: limits.dossierBytes, type: XML_MEDIA_TYPES, verify: keepRaw }),
  ];
}

interface BodyParserError {
  type?: string;
  limit?: number;
  status?: number;
}

/** Turns body-parser failures into the broker's `{ error, message }` answers. */
export function requestBodyErrors(
  error: unknown,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  const failure = error as BodyParserError;
  const answer = (status: number, body: ApiErrorBody) => void response.status(status).json(body);
  switch (failure?.type) {
    case 'entity.too.large':
      return answer(413, {
        error: 'REQUEST_BODY_TOO_LARGE',
        message: `The body is larger than the ${failure.limit} bytes this route accepts; nothing was stored.`,
      });
    case 'entity.parse.failed':
      return answer(400, {
        error: 'REQUEST_BODY_NOT_JSON',
        message: 'The body is not valid JSON; send a JSON object with Content-Type: application/json.',
      });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return answer(415, {
        error: 'REQUEST_BODY_ENCODING_UNSUPPORTED',
        message: 'Send the body as UTF-8, without a content encoding other than identity, gzip or deflate.',
      });
    case 'request.aborted':
    case 'request.size.invalid':
      return answer(400, {
        error: 'REQUEST_BODY_INCOMPLETE',
        message: 'The body ended before its announced length; send it again.',
      });
    default:
      next(error);
  }
}

/** A dossier upload is the raw XML, byte for byte; anything else is refused before validation. */
export function dossierBytes(request: RequestWithRawBody): Buffer {
  if (!Buffer.isBuffer(request.body)) {
    throw new TransferError(
      'DOSSIER_CONTENT_TYPE',
      'invalid',
      'Send the dossier as the request body with Content-Type: application/xml.',
    );
  }
  return request.body;
}
