import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * How long the server waits for a slow or silent client. A client that trickles its headers (slow loris)
 * or holds a connection open without finishing a request is cut, so it holds one socket for seconds,
 * not for Node's defaults (60 s for headers, 5 min for a request, 2 min for the TLS handshake).
 */
/** From the first byte of a request until its headers are complete; also the wait for that first byte. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, body included: a 20 MB dossier at 2 Mbit/s needs 80 s. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** The TLS handshake, certificate included. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** An idle kept-alive connection between requests. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often the server looks for connections past the two timeouts above. */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
/** All request headers together; a larger header block gets 431. Node's default, stated. */
export const MAX_HEADER_BYTES = 16 * 1024;

export type ServerTimeouts = Pick<
  ServerOptions,
  | 'headersTimeout'
  | 'requestTimeout'
  | 'handshakeTimeout'
  | 'keepAliveTimeout'
  | 'connectionsCheckingInterval'
  | 'maxHeaderSize'
>;

export function serverTimeouts(): ServerTimeouts {
  return {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

/**
 * Node's header and request timeouts start with a request's first byte: a client that completes the TLS
 * handshake and then sends nothing would hold its socket forever. Until its first bytes arrive, a
 * connection gets the headers timeout as an idle timeout; then Node's own timeouts bound the request (and
 * its handler may take longer than any idle limit).
 */
export function cutSilentConnections(server: Server): void {
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.setTimeout(HEADERS_TIMEOUT_MS);
    // Once bytes arrive, Node's headers timeout governs and answers 408; cutting silently would race it.
    socket.once('data', () => socket.setTimeout(0));
  });
}

/** What Node's HTTP parser refuses before any request exists, as `{ error, message }` like every answer. */
const PARSER_REFUSALS: Record<string, { status: number; error: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    error: 'REQUEST_HEADERS_TOO_LARGE',
    message: `The request headers are larger than the ${MAX_HEADER_BYTES} bytes accepted; send fewer or shorter ones.`,
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    error: 'REQUEST_TIMEOUT',
    message: 'The request did not arrive in time; the connection is closed. Send it again.',
  },
};
/** The connection ended (FIN) while a request's body was still due: not malformed, cut short. */
const BODY_INCOMPLETE = {
  status: 400,
  error: 'REQUEST_BODY_INCOMPLETE',
  message: 'The body ended before its announced length; send it again.',
};
const MALFORMED = {
  status: 400,
  error: 'REQUEST_MALFORMED',
  message: 'The request is not valid HTTP/1.1 (request line, headers or framing); nothing was done.',
};

/**
 * Node answers what its parser refuses with a bare status line. Ours carries a JSON body with a
 * catalogued code; it cannot be signed, since no request was read to bind a signature to.
 */
export function answerParserRefusals(server: Server): void {
  // The request whose headers arrived last on each connection: an end of input while its body is still
  // due is an incomplete body, which the parser reports like broken framing.
  const latestRequest = new WeakMap<Socket, IncomingMessage>();
  server.prependListener('request', (request: IncomingMessage) => latestRequest.set(request.socket, request));
  server.on('clientError', (error: NodeJS.ErrnoException, duplex) => {
    const socket = duplex as Socket; // a TLS socket on this server
    // As Node's own handler: answer only on a socket that has written nothing yet, then close it.
    if (!socket.writable || socket.bytesWritten > 0 || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const request = latestRequest.get(socket);
    const cutShort = error.code === 'HPE_INVALID_EOF_STATE' && request !== undefined && !request.complete;
    const refusal = cutShort ? BODY_INCOMPLETE : (PARSER_REFUSALS[error.code ?? ''] ?? MALFORMED);
    const body = JSON.stringify({ error: refusal.error, message: refusal.message });
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
