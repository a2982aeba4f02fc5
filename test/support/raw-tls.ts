import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface RawAnswer {
  status: number;
  headers: string;
  body: Record<string, unknown>;
}

/**
 * One TLS connection to the broker on which a test writes exactly the bytes it wants (request lines and
 * headers no HTTP client would send), with the client certificate it is given.
 */
export function openTls(
  port: number,
  options: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'session'>,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
  });
}

/** Writes one HTTP/1.1 request and reads one answer (`Connection: close` is the caller's choice). */
export function exchange(socket: TLSSocket, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received);
      if (answer) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(answer);
      }
    };
    const onClose = () => {
      const answer = parseAnswer(received);
      if (answer) resolve(answer);
      else reject(new Error(`connection closed after ${received.length} bytes`));
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(request);
  });
}

/** A whole answer once its Content-Length bytes are in; null while incomplete. */
function parseAnswer(bytes: Buffer): RawAnswer | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = bytes.subarray(0, end).toString('latin1');
  const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
  if (bytes.length < end + 4 + length) return null;
  const text = bytes.subarray(end + 4, end + 4 + length).toString('utf8');
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: Number(head.split(' ')[1]), headers: head, body };
}

/** One request on a fresh connection, closed afterwards. */
export async function rawRequest(
  port: number,
  options: Pick<ConnectionOptions, 'ca' | 'cert' | 'key'>,
  request: string | Buffer,
): Promise<RawAnswer> {
  const socket = await openTls(port, options);
  try {
    return await exchange(socket, request);
  } finally {
    socket.destroy();
  }
}
