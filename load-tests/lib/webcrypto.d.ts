/**
 * The part of WebCrypto the scenarios use. k6 (≥ 1.0) and Node both provide `crypto` globally; @types/k6
 * does not declare it, and the DOM lib would declare far more than k6 has.
 */
interface ScenarioCryptoKey {
  readonly type: string;
}

/** RSA-PSS for RSA keys, ECDSA for P-256 ones (load-tests/lib/signing.ts). */
type ScenarioImportAlgorithm = { name: 'RSA-PSS'; hash: 'SHA-512' } | { name: 'ECDSA'; namedCurve: 'P-256' };
type ScenarioSignAlgorithm = { name: 'RSA-PSS'; saltLength: number } | { name: 'ECDSA'; hash: 'SHA-256' };

interface ScenarioSubtleCrypto {
  digest(algorithm: 'SHA-256' | 'SHA-512', data: ArrayBuffer | Uint8Array): Promise<ArrayBuffer>;
  importKey(
    format: 'pkcs8',
    keyData: ArrayBuffer | Uint8Array,
    algorithm: ScenarioImportAlgorithm,
    extractable: boolean,
    usages: Array<'sign'>,
  ): Promise<ScenarioCryptoKey>;
  sign(
    algorithm: ScenarioSignAlgorithm,
    key: ScenarioCryptoKey,
    data: ArrayBuffer | Uint8Array,
  ): Promise<ArrayBuffer>;
}

declare const crypto: {
  readonly subtle: ScenarioSubtleCrypto;
  getRandomValues<T extends Uint8Array>(array: T): T;
};
