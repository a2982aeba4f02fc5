import { Logger } from '@nestjs/common';
import { unwatchFile, watchFile } from 'node:fs';
import type { Server } from 'node:https';
import { secureContextOptions } from './secure-context';
import { TlsFilesConfig } from './tls-files.config';

/**
 * Watches the CRL (and the trust store) and swaps the server's secure context when either changes, so a
 * revocation takes effect without a restart. A broken file keeps the previous context and is logged.
 */
export class CrlReloader {
  private readonly logger = new Logger('CrlReloader');
  private readonly watched: string[];

  constructor(
    private readonly server: Server,
    private readonly files: TlsFilesConfig,
    private readonly intervalMs = 1000,
  ) {
    this.watched = [files.crlFile, files.clientCaFile].filter((file): file is string => file !== null);
  }

  start(): void {
    for (const file of this.watched) {
      watchFile(file, { interval: this.intervalMs, persistent: false }, (current, previous) => {
        if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) this.reload();
      });
    }
  }

  reload(): void {
    try {
      this.server.setSecureContext(secureContextOptions(this.files));
      this.logger.warn('TLS trust store and CRL reloaded');
    } catch (error) {
      this.logger.error(`TLS reload failed, keeping the previous CRL: ${(error as Error).message}`);
    }
  }

  stop(): void {
    for (const file of this.watched) unwatchFile(file);
  }
}
