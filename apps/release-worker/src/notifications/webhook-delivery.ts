import { type MessageSigningKey, messageSigningKey, signRequest } from '@app/http-signing';
import type { NotificationFailure, NotificationKind } from '@app/transfers';
import { readFileSync, statSync } from 'node:fs';
import { type Agent, request } from 'node:https';
import { type SecureContext, createSecureContext, rootCertificates } from 'node:tls';
import type { NotificationSettings } from './notification.config';

/**
 * What the broker POSTs to a vendor's webhook: what happened to which transfer, and when. No personal
 * data, no school names, no dossier: the vendor fetches what it needs over the signed API. `id` is the
 * notification's own id: the same on every attempt, so a receiver can drop a repeat.
 */
export interface NotificationPayload {
  id: string;
  type: NotificationKind;
  transferId: string;
  versionHash: string | null;
  at: string;
}

/** How the broker shows itself to receivers: its signing key, its TLS client identity, the CAs it trusts. */
export interface BrokerIdentity {
  signingKey: MessageSigningKey;
  clientCertificatePem: Buffer;
  clientKeyPem: Buffer;
  /** The system's root CAs plus the operator's extra ones. */
  ca: string[];
  /**
   * The client certificate, key and CAs parsed once (issue #13): parsing them from PEM per connection
   * cost more than the rest of a handshake. Built on load, so a key that does not match its certificate
   * (a rotation half done) fails the load rather than each connection.
   */
  tls: SecureContext;
}

type IdentityFiles = Pick<
  NotificationSettings,
  'signingKeyFile' | 'signingCertificateFile' | 'clientCertificateFile' | 'clientKeyFile' | 'extraCaFile'
>;

/**
 * What the identity's files look like on disk (inode, size, modification and change times): a changed stamp means a
 * rotated key or certificate, or changed trust, to be read again. A file that cannot be read stamps as
 * missing, so its reappearance is noticed too.
 */
export function identityStamp(settings: IdentityFiles): string {
  const files = [
    settings.signingKeyFile,
    settings.signingCertificateFile,
    settings.clientCertificateFile,
    settings.clientKeyFile,
    settings.extraCaFile,
  ];
  return files
    .map((file) => {
      if (file === null) return '-';
      const stat = statSync(file, { throwIfNoEntry: false });
      return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : 'missing';
    })
    .join('|');
}

export function loadBrokerIdentity(settings: IdentityFiles): BrokerIdentity {
  const clientCertificatePem = readFileSync(settings.clientCertificateFile);
  const clientKeyPem = readFileSync(settings.clientKeyFile);
  const ca = [
    ...rootCertificates,
    ...(settings.extraCaFile === null ? [] : [readFileSync(settings.extraCaFile, 'utf8')]),
  ];
  return {
    signingKey: messageSigningKey(
      readFileSync(settings.signingKeyFile),
      readFileSync(settings.signingCertificateFile),
    ),
    clientCertificatePem,
    clientKeyPem,
    ca,
    tls: createSecureContext({ cert: clientCertificatePem, key: clientKeyPem, ca }),
  };
}

export type DeliveryResult = { delivered: true } | { delivered: false; failure: NotificationFailure };

const TLS_FAILURE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

/** A failed connection as a code (the error's message may quote the host; it is not kept). */
export function failureOf(error: unknown): NotificationFailure {
  const code = (error as { code?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (typeof code === 'string' && TLS_FAILURE.test(code)) return 'tls_failed';
  return 'network_error';
}

/** Errors of a kept-alive connection the receiver closed while it sat idle: nothing was answered on it. */
const CLOSED_WHILE_IDLE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** Sends on a fresh connection after this many idle-closed ones (the pool holds at most a few). */
const IDLE_CLOSED_RETRIES = 2;

/**
 * One attempt: POSTs the payload over TLS through `agent` (a vendor's pool of kept-alive connections:
 * the receiver's certificate checked against the broker's trusted CAs, the broker's client certificate
 * presented; see `WebhookConnections`), signed with RFC 9421 by the broker's key. A 2xx answer is
 * delivered; any other status — a redirect too, which is not followed — or no answer within `timeoutMs`
 * is a failure. The answer's body is not read. A pooled connection the receiver had closed while idle is
 * not the receiver's failure: the call is signed afresh (a new nonce) and sent again within the deadline.
 */
export async function deliverNotification(
  url: string,
  payload: NotificationPayload,
  identity: BrokerIdentity,
  agent: Agent,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  // One deadline for the whole attempt, a resend after an idle-closed connection included.
  const signal = AbortSignal.timeout(timeoutMs);
  for (let resends = 0; ; resends++) {
    const sent = await sendOnce(url, body, identity, agent, signal);
    if (sent !== 'closed_while_idle') return sent;
    if (resends >= IDLE_CLOSED_RETRIES) return { delivered: false, failure: 'network_error' };
  }
}

async function sendOnce(
  url: string,
  body: Buffer,
  identity: BrokerIdentity,
  agent: Agent,
  signal: AbortSignal,
): Promise<DeliveryResult | 'closed_while_idle'> {
  const signed = await signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
    { key: identity.signingKey },
  );
  return new Promise((settle) => {
    const outgoing = request(
      signed.url,
      {
        method: 'POST',
        headers: { ...signed.headers, 'content-length': String(body.length) },
        agent,
        // An aborted request destroys its connection: no pooled socket outlives the attempt's deadline.
        signal,
      },
      (answer) => {
        const status = answer.statusCode ?? 0;
        answer.resume();
        answer.on('error', () => undefined);
        settle(
          status >= 200 && status < 300
            ? { delivered: true }
            : { delivered: false, failure: `http_${status}` },
        );
      },
    );
    outgoing.on('error', (error) => {
      const code = (error as { code?: unknown }).code;
      if (outgoing.reusedSocket && typeof code === 'string' && CLOSED_WHILE_IDLE.has(code)) {
        settle('closed_while_idle');
      } else settle({ delivered: false, failure: failureOf(error) });
    });
    outgoing.end(body);
  });
}
