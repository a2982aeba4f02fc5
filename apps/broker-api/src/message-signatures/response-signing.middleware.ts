import { MessageSigningKey, signResponse, targetUriOf } from '@app/http-signing';
import { Logger } from '@nestjs/common';
import { LOG_ENTRY_HEADER } from '../exchange-log/log-entry-header';
import type { NextFunction, Request, Response } from 'express';

/**
 * Signs every answer, certificate refusals included, with the broker's server key (RFC 9421, with
 * Content-Digest), bound to the request it answers, so a vendor can prove what the broker said.
 * The body is collected until the response ends (answers are small JSON or one dossier), then the
 * signature headers are set and the whole body is sent at once.
 */
export function responseSigningMiddleware(key: MessageSigningKey) {
  const logger = new Logger('ResponseSigning');
  return (request: Request, response: Response, next: NextFunction): void => {
    const chunks: Buffer[] = [];
    const write = response.write.bind(response);
    const end = response.end.bind(response);
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(
              chunk as string,
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            ),
      );
    };
    // Express' typings overload write/end; the replacements accept the same arguments.
    (response as { write: unknown }).write = (chunk: unknown, encoding?: unknown, callback?: unknown) => {
      collect(chunk, encoding);
      const done = [encoding, callback].find((argument) => typeof argument === 'function') as
        (() => void) | undefined;
      done?.();
      return true;
    };
    (response as { end: unknown }).end = (chunk?: unknown, encoding?: unknown, callback?: unknown) => {
      collect(chunk, encoding);
      const body = Buffer.concat(chunks);
      const done = [chunk, encoding, callback].find((argument) => typeof argument === 'function') as
        (() => void) | undefined;
      signResponse(
        {
          status: response.statusCode,
          headers: response.getHeaders() as Record<string, string>,
          body,
          // The entries a step wrote are part of what the broker said, and provable as such.
          coveredHeaders: [LOG_ENTRY_HEADER.toLowerCase()],
        },
        {
          method: request.method,
          url: targetUriOf(request.headers.host ?? '', request.originalUrl),
          headers: request.headers as Record<string, string>,
        },
        key,
      )
        .then((headers) => {
          for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
        })
        .catch((error: unknown) => {
          // An unsigned answer beats none; the client will refuse it and say so.
          logger.error(`could not sign a response: ${error instanceof Error ? error.name : typeof error}`);
        })
        .finally(() => {
          if (!response.headersSent) response.setHeader('Content-Length', body.length);
          write(body);
          end(done);
        });
      return response;
    };
    next();
  };
}
