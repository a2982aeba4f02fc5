import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstDirectoryClosedTo, systemUser } from './closed-directory';

/** Real folders with real modes; the "other" user is a uid and group no file here belongs to. */
describe('firstDirectoryClosedTo', () => {
  let root: string;
  const owner = () => statSync(root).uid;
  const stranger = () => ({ uid: owner() + 54_321, gids: [987_654] });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'oso-closed-'));
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'clone', 'node_modules', 'bin'), { recursive: true });
  });
  afterEach(() => {
    chmodSync(join(root, 'clone'), 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  it('names the folder closed to others on the way (a clone inside a mode-700 folder)', () => {
    chmodSync(join(root, 'clone'), 0o700);
    const binary = join(root, 'clone', 'node_modules', 'bin', 'initdb');
    expect(firstDirectoryClosedTo(binary, stranger())).toBe(join(root, 'clone'));
  });

  it('finds the way open when every folder lets others search it (mode 711 is enough)', () => {
    chmodSync(join(root, 'clone'), 0o711);
    expect(firstDirectoryClosedTo(join(root, 'clone', 'node_modules', 'bin'), stranger())).toBeNull();
  });

  it('uses the owner bits for the owner and the group bits for a member of the group', () => {
    chmodSync(join(root, 'clone'), 0o710);
    const folder = join(root, 'clone', 'node_modules');
    const stats = statSync(join(root, 'clone'));
    expect(firstDirectoryClosedTo(folder, { uid: owner(), gids: [] })).toBeNull();
    expect(firstDirectoryClosedTo(folder, { uid: owner() + 54_321, gids: [stats.gid] })).toBeNull();
    expect(firstDirectoryClosedTo(folder, stranger())).toBe(join(root, 'clone'));
  });

  it('stops at the first folder that does not exist yet (its creator sets its mode)', () => {
    expect(firstDirectoryClosedTo(join(root, 'clone', 'data', 'postgres'), stranger())).toBeNull();
  });

  it('reads a system user that exists, and answers null for one that does not', () => {
    expect(systemUser('root')).toEqual({ uid: 0, gids: expect.arrayContaining([0]) });
    expect(systemUser('no-such-user-oso')).toBeNull();
  });
});
