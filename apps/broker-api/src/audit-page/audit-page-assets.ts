import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The page's files, read once at start-up from `assets/` beside this module (`npm run build` copies them
 * into dist). Only these names are served: no path from the request ever reaches the file system.
 */
const ASSET_TYPES = {
  'audit-page.js': 'text/javascript; charset=utf-8',
  'verify.js': 'text/javascript; charset=utf-8',
  'audit-page.css': 'text/css; charset=utf-8',
} as const;

export type AuditPageAssetName = keyof typeof ASSET_TYPES;

export interface AuditPageAsset {
  contentType: string;
  body: Buffer;
}

export class AuditPageAssets {
  readonly page: Buffer;
  private readonly assets: ReadonlyMap<string, AuditPageAsset>;

  constructor(dir: string = join(__dirname, 'assets')) {
    this.page = readFileSync(join(dir, 'index.html'));
    this.assets = new Map(
      Object.entries(ASSET_TYPES).map(([name, contentType]) => [
        name,
        { contentType, body: readFileSync(join(dir, name)) },
      ]),
    );
  }

  /** The asset of that exact name, or undefined. */
  find(name: string): AuditPageAsset | undefined {
    return this.assets.get(name);
  }
}
