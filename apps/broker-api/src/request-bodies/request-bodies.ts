import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { promisify } from 'node:util';
import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { TransferError } from '@app/transfers';
import { failInMiddleware } from '../api-errors/safe-cause';
import { ApiErrorBody } from '../api-errors/api-error';
import type { ErrorCode } from '../api-errors/error-catalogue';

/**
 * The request with the exact bytes it arrived with (before any content decoding): what the signature's
 * Content-Digest covers (RFC 9530). `body` holds the decoded bytes, or the parsed JSON.
 */
export interface RequestWithRawBody extends Request {
  rawBody?: Buffer;
  /** What the body was read as, from its media type: the route checks it is what it takes. */
  bodyKind?: BodyKind;
}

export type BodyKind = 'json' | 'xml' | 'document';

export const JSON_MEDIA_TYPE = 'application/json';
export const XML_MEDIA_TYPES = ['application/xml', 'text/xml'];
/** Consent declaration documents (scans and PDFs), uploaded as raw bytes, kept byte for byte. */
export const DOCUMENT_MEDIA_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

type BodyLimits = { jsonBytes: number; dossierBytes: number; declarationBytes: number };
/** RFC 9110 content codings the API guide promises; `br` and the rest are refused, not guessed at. */
export const CONTENT_CODINGS = ['identity', 'gzip', 'deflate'] as const;
type ContentCoding = (typeof CONTENT_CODINGS)[number];

type Decoder = (input: InputType, options: ZlibOptions) => Promise<Buffer>;
const DECODERS: Record<Exclude<ContentCoding, 'identity'>, Decoder> = {
  gzip: promisify(gunzip) as Decoder,
  deflate: promisify(inflate) as Decoder,
};

/** A refusal of a body, answered before any route or guard runs. */
class BodyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the body of a vendor API request, installed after client authentication: JSON for commands, XML
 * bytes for dossiers (kept byte for byte: the receiver gets exactly what was staged). The bytes as sent
 * are kept for the Content-Digest check; a gzip or deflate body is decoded with the same size limit as
 * it had on the wire, so a compression bomb ends in 413 instead of filling memory. Every refusal is a
 * JSON error with its own code, before any handler runs.
 */
export function requestBodyReader(limits: BodyLimits) {
  return (request: Request, response: Response, next: NextFunction): void => {
    readBody(request as RequestWithRawBody, limits)
      .then(() => next())
      .catch((error: unknown) => {
        if (error instanceof BodyRefusal) {
          const body: ApiErrorBody = { error: error.code, message: error.message };
          response.status(error.status).json(body);
          return;
        }
        failInMiddleware(request, 'RequestBodies', next, error);
      });
  };
}

function bodyKindOf(mediaType: string | undefined): BodyKind | null {
  if (mediaType === JSON_MEDIA_TYPE) return 'json';
  if (XML_MEDIA_TYPES.includes(mediaType ?? '')) return 'xml';
  if (DOCUMENT_MEDIA_TYPES.includes(mediaType ?? '')) return 'document';
  return null;
}

async function readBody(request: RequestWithRawBody, limits: BodyLimits): Promise<void> {
  if (!hasBody(request)) return;
  const { mediaType, charset } = contentTypeOf(request.headers['content-type']);
  const kind = bodyKindOf(mediaType);
  if (kind === null) {
    throw new BodyRefusal(
      415,
      'REQUEST_CONTENT_TYPE_UNSUPPORTED',
      `A body needs Content-Type ${JSON_MEDIA_TYPE} (commands), application/xml (dossiers) or, for a ` +
        `consent declaration, ${DOCUMENT_MEDIA_TYPES.join(', ')}; ` +
        `${mediaType === undefined ? 'none was given' : 'this one is not accepted'}. Nothing was stored.`,
    );
  }
  // Dossiers are judged as UTF-8 on their bytes; a label that says otherwise is refused, not ignored.
  if (charset !== undefined && charset !== 'utf-8') refuseEncoding();
  const coding = contentCodingOf(request.headers['content-encoding']);
  const limit =
    kind === 'json' ? limits.jsonBytes : kind === 'xml' ? limits.dossierBytes : limits.declarationBytes;
  const raw = await readRaw(request, limit);
  request.rawBody = raw;
  request.bodyKind = kind;
  const decoded = coding === 'identity' ? raw : await decode(coding, raw, limit);
  request.body = kind === 'json' ? parseJson(decoded) : decoded;
}

/** RFC 9112 §6.3: a message has a body when it announces one; `Content-Length: 0` is none. */
function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length !== '0';
}

function contentTypeOf(header: string | undefined): { mediaType?: string; charset?: string } {
  if (header === undefined || header.trim() === '') return {};
  const [type, ...parameters] = header.split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { mediaType: type.trim().toLowerCase(), charset };
}

function contentCodingOf(header: string | undefined): ContentCoding {
  const coding = (header ?? 'identity').trim().toLowerCase() || 'identity';
  if (!(CONTENT_CODINGS as readonly string[]).includes(coding)) refuseEncoding();
  return coding as ContentCoding;
}

function refuseEncoding(): never {
  throw new BodyRefusal(
    415,
    'REQUEST_BODY_ENCODING_UNSUPPORTED',
    'Send the body as UTF-8, without a content encoding other than identity, gzip or deflate.',
  );
}

function tooLarge(limit: number): BodyRefusal {
  return new BodyRefusal(
    413,
    'REQUEST_BODY_TOO_LARGE',
    `The body is larger than the ${limit} bytes this route accepts; nothing was stored.`,
  );
}

interface RawBodyFailure {
  type?: string;
}

async function readRaw(request: Request, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(request, { limit, length: request.headers['content-length'] });
  } catch (error) {
    switch ((error as RawBodyFailure).type) {
      case 'entity.too.large':
        throw tooLarge(limit);
      case 'request.aborted':
      case 'request.size.invalid':
        throw new BodyRefusal(
          400,
          'REQUEST_BODY_INCOMPLETE',
          'The body ended before its announced length; send it again.',
        );
      default:
        throw error;
    }
  }
}

/** Decodes in zlib's thread pool, stopping at `limit` decoded bytes. */
async function decode(
  coding: Exclude<ContentCoding, 'identity'>,
  raw: Buffer,
  limit: number,
): Promise<Buffer> {
  try {
    return await DECODERS[coding](raw, { maxOutputLength: limit });
  } catch (error) {
    // zlib stops at maxOutputLength with ERR_BUFFER_TOO_LARGE; anything else is broken data.
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new BodyRefusal(
      400,
      'REQUEST_BODY_NOT_DECODABLE',
      `The body is not valid ${coding} data, as its Content-Encoding says; nothing was stored.`,
    );
  }
}

/** Strict JSON, as body-parser's strict mode: an object or array at the top. */
function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // answered below
    }
  }
  throw new BodyRefusal(
    400,
    'REQUEST_BODY_NOT_JSON',
    'The body is not valid JSON; send a JSON object with Content-Type: application/json.',
  );
}

/** A dossier upload is the raw XML, byte for byte; anything else is refused before validation. */
export function dossierBytes(request: RequestWithRawBody): Buffer {
  if (!Buffer.isBuffer(request.body) || request.bodyKind !== 'xml') {
    throw new TransferError(
      'DOSSIER_CONTENT_TYPE',
      'invalid',
      'Send the dossier as the request body with Content-Type: application/xml.',
    );
  }
  return request.body;
}

/** A consent declaration upload: its raw bytes and media type (null: not sent as a document). */
export function documentBody(request: RequestWithRawBody): { bytes: Buffer; mediaType: string | null } {
  if (!Buffer.isBuffer(request.body) || request.bodyKind !== 'document') {
    return { bytes: Buffer.alloc(0), mediaType: null };
  }
  return { bytes: request.body, mediaType: contentTypeOf(request.headers['content-type']).mediaType ?? null };
}
