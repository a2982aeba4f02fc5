import { type MessageSigningKey, messageSigningKey, signRequest } from '@app/http-signing';
import type { NotificationFailure, NotificationKind } from '@app/transfers';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
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
}

export function loadBrokerIdentity(
  settings: Pick<
    NotificationSettings,
    'signingKeyFile' | 'signingCertificateFile' | 'clientCertificateFile' | 'clientKeyFile' | 'extraCaFile'
  >,
): BrokerIdentity {
  return {
    signingKey: messageSigningKey(
      readFileSync(settings.signingKeyFile),
      readFileSync(settings.signingCertificateFile),
    ),
    clientCertificatePem: readFileSync(settings.clientCertificateFile),
    clientKeyPem: readFileSync(settings.clientKeyFile),
    ca: [
      ...rootCertificates,
      ...(settings.extraCaFile === null ? [] : [readFileSync(settings.extraCaFile, 'utf8')]),
    ],
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

/**
 * One attempt: POSTs the payload over TLS (the receiver's certificate checked against `identity.ca`,
 * the broker's client certificate presented), signed with RFC 9421 by the broker's key. A 2xx answer is
 * delivered; any other status — a redirect too, which is not followed — or no answer within
 * `timeoutMs` is a failure. The answer's body is not read.
 */
export async function deliverNotification(
  url: string,
  payload: NotificationPayload,
  identity: BrokerIdentity,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const signed = await signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
    { key: identity.signingKey },
  );
  return new Promise<DeliveryResult>((settle) => {
    const outgoing = request(
      signed.url,
      {
        method: 'POST',
        headers: { ...signed.headers, 'content-length': String(body.length) },
        cert: identity.clientCertificatePem,
        key: identity.clientKeyPem,
        ca: identity.ca,
        // A fresh connection per attempt: no pooled socket outlives the attempt's deadline.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
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
    outgoing.on('error', (error) => settle({ delivered: false, failure: failureOf(error) }));
    outgoing.end(body);
  });
}
