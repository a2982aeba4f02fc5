export * from './certificate-authority';
export * from './certificate-facts';
export * from './client-authenticator';
export * from './crl';
export * from './dev-pki-store';
export * from './pki.config';
export * from './pki.module';
export * from './pki.service';
