import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientRole, KeyAndCertificate } from './certificate-authority';

export interface IssuedFiles {
  certificateFile: string;
  keyFile: string;
}

/**
 * Where the development PKI lives on disk (default `certs/dev/`, git-ignored). Private keys are written
 * readable by the owner only.
 */
export class DevPkiStore {
  constructor(readonly dir: string) {}

  get caCertificateFile(): string {
    return join(this.dir, 'ca.crt');
  }
  get caKeyFile(): string {
    return join(this.dir, 'ca.key');
  }
  get crlFile(): string {
    return join(this.dir, 'ca.crl');
  }
  get serverCertificateFile(): string {
    return join(this.dir, 'server.crt');
  }
  get serverKeyFile(): string {
    return join(this.dir, 'server.key');
  }

  /** The broker's own client certificate, for its webhook calls (NOTIFY_CLIENT_CERT_FILE's default). */
  get brokerClientFiles(): IssuedFiles {
    return {
      certificateFile: join(this.dir, 'broker-client.crt'),
      keyFile: join(this.dir, 'broker-client.key'),
    };
  }

  hasBrokerClient(): boolean {
    const files = this.brokerClientFiles;
    return existsSync(files.certificateFile) && existsSync(files.keyFile);
  }

  writeBrokerClient(pair: KeyAndCertificate): IssuedFiles {
    this.writePair(this.brokerClientFiles, pair);
    return this.brokerClientFiles;
  }

  clientFiles(role: ClientRole, id: string): IssuedFiles {
    const folder = join(this.dir, `${role}s`);
    return { certificateFile: join(folder, `${id}.crt`), keyFile: join(folder, `${id}.key`) };
  }

  hasCa(): boolean {
    return existsSync(this.caCertificateFile) && existsSync(this.caKeyFile);
  }

  readCa(): KeyAndCertificate {
    if (!this.hasCa()) {
      throw new Error(`no development CA in ${this.dir}; create it with: npm run oso -- pki init`);
    }
    return {
      certificatePem: readFileSync(this.caCertificateFile, 'utf8'),
      keyPem: readFileSync(this.caKeyFile, 'utf8'),
    };
  }

  writeCa(pair: KeyAndCertificate): void {
    this.writePair({ certificateFile: this.caCertificateFile, keyFile: this.caKeyFile }, pair);
  }

  writeServer(pair: KeyAndCertificate): IssuedFiles {
    const files = { certificateFile: this.serverCertificateFile, keyFile: this.serverKeyFile };
    this.writePair(files, pair);
    return files;
  }

  writeClient(role: ClientRole, id: string, pair: KeyAndCertificate): IssuedFiles {
    const files = this.clientFiles(role, id);
    this.writePair(files, pair);
    return files;
  }

  readCrl(): string | null {
    return existsSync(this.crlFile) ? readFileSync(this.crlFile, 'utf8') : null;
  }

  writeCrl(pem: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.crlFile, pem);
  }

  private writePair(files: IssuedFiles, pair: KeyAndCertificate): void {
    mkdirSync(join(files.certificateFile, '..'), { recursive: true });
    writeFileSync(files.keyFile, pair.keyPem, { mode: 0o600 });
    writeFileSync(files.certificateFile, pair.certificatePem);
  }
}
