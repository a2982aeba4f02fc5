import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary, serializeDictionary } from 'structured-headers';
import { SignatureRefusal } from './signature-refusal';
import { isByteSequence } from './structured-values';

/** RFC 9530 algorithms we check; sha-256 is what we produce. Weaker ones (md5, sha) are ignored. */
export type ContentDigestAlgorithm = 'sha-256' | 'sha-512';

const NODE_HASH: Record<ContentDigestAlgorithm, string> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

export interface VerifiedDigest {
  algorithm: ContentDigestAlgorithm;
  /** The digest, base64, as it appears in the header. */
  value: string;
}

export type ContentDigestOutcome =
  { ok: true; digests: VerifiedDigest[] } | { ok: false; refusal: SignatureRefusal };

/** The digests of a body that was passed on as it arrived instead of kept (a streamed download). */
export type BodyDigests = Record<ContentDigestAlgorithm, Buffer>;

/** Hashes a body chunk by chunk with every algorithm we check, so it can be checked without keeping it. */
export class BodyDigester {
  private readonly hashes = {
    'sha-256': createHash(NODE_HASH['sha-256']),
    'sha-512': createHash(NODE_HASH['sha-512']),
  };

  update(chunk: Buffer): void {
    this.hashes['sha-256'].update(chunk);
    this.hashes['sha-512'].update(chunk);
  }

  digests(): BodyDigests {
    return { 'sha-256': this.hashes['sha-256'].digest(), 'sha-512': this.hashes['sha-512'].digest() };
  }
}

/** The `Content-Digest` field value for these exact body bytes, e.g. `sha-256=:X48E9q…=:`. */
export function createContentDigest(body: Buffer, algorithm: ContentDigestAlgorithm = 'sha-256'): string {
  const digest = createHash(NODE_HASH[algorithm]).update(body).digest();
  return serializeDictionary(new Map([[algorithm, [digest, new Map()]]]));
}

/**
 * Checks a `Content-Digest` header against the raw body bytes (not a re-serialised JSON object: the
 * digest is over what went over the wire), or against their digests when the body was streamed on. Every sha-256 and sha-512 member must match; other
 * algorithms are ignored, as RFC 9530 allows, but at least one member we check must be present.
 */
export function verifyContentDigest(
  header: string | undefined,
  body: Buffer | BodyDigests,
): ContentDigestOutcome {
  if (header === undefined || header.trim() === '') {
    return missing(
      'The message has a body but no Content-Digest header. Add `Content-Digest: sha-256=:<base64 of the SHA-256 of the body>:` (RFC 9530) and cover it in the signature.',
    );
  }
  let members: ReturnType<typeof parseDictionary>;
  try {
    members = parseDictionary(header);
  } catch {
    return missing(
      'The Content-Digest header is not an RFC 8941 dictionary. Send e.g. `sha-256=:<base64 digest>:`.',
    );
  }
  const digests: VerifiedDigest[] = [];
  for (const algorithm of Object.keys(NODE_HASH) as ContentDigestAlgorithm[]) {
    const member = members.get(algorithm);
    if (member === undefined) continue;
    const value = member[0];
    if (!isByteSequence(value)) {
      return missing(
        `The ${algorithm} member of Content-Digest must be a byte sequence, e.g. \`${algorithm}=:<base64 digest>:\`.`,
      );
    }
    const claimed = Buffer.from(value);
    const actual = Buffer.isBuffer(body)
      ? createHash(NODE_HASH[algorithm]).update(body).digest()
      : body[algorithm];
    if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) {
      return {
        ok: false,
        refusal: {
          code: 'CONTENT_DIGEST_MISMATCH',
          message: `The ${algorithm} Content-Digest does not match the body that arrived. Compute it over the exact bytes you send, after any serialisation and compression.`,
        },
      };
    }
    digests.push({ algorithm, value: claimed.toString('base64') });
  }
  if (digests.length === 0) {
    return missing(
      'The Content-Digest header has no sha-256 or sha-512 member, the only algorithms the broker checks.',
    );
  }
  return { ok: true, digests };
}

function missing(message: string): ContentDigestOutcome {
  return { ok: false, refusal: { code: 'CONTENT_DIGEST_MISSING', message } };
}
