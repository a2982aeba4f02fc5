import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A system user as the kernel checks it: its uid and every group it is in. */
export interface SystemUser {
  uid: number;
  gids: number[];
}

/** The uid and groups of a system user, or null when there is no such user. */
export function systemUser(name: string): SystemUser | null {
  try {
    // `id` says "no such user" on stderr; the null answer says it here.
    const read = (flag: string) =>
      execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const uid = Number(read('-u'));
    const gids = read('-G').split(/\s+/).map(Number);
    return { uid, gids };
  } catch {
    return null;
  }
}

/**
 * The first directory on the way to `path` (from `/` down, `path` itself included when it is a directory)
 * that `user` may not enter: no search (x) permission for it as owner, group or other. Null when the whole
 * way is open. Reads the mode bits only (the same check the kernel makes without ACLs).
 */
export function firstDirectoryClosedTo(path: string, user: SystemUser): string | null {
  const chain: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    chain.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const directory of chain) {
    let stats;
    try {
      stats = statSync(directory);
    } catch {
      return null; // not there yet: whoever creates it decides its mode
    }
    if (!stats.isDirectory()) continue;
    const searchBit = stats.uid === user.uid ? 0o100 : user.gids.includes(stats.gid) ? 0o010 : 0o001;
    if (user.uid !== 0 && (stats.mode & searchBit) === 0) return directory;
  }
  return null;
}
