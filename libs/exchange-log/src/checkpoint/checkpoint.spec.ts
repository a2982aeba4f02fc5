import { leafHash, MemoryMerkleTree, treeRoot, verifyInclusion, inclusionProof } from '../merkle';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint';
import { CheckpointError } from './note-error';
import { generateLogSigningKey, verifierKey } from './signed-note';
import { c2spCheckpoint } from './testdata/note-vectors';

const root = Buffer.alloc(32, 0xab);

function refusal(action: () => unknown): CheckpointError {
  try {
    action();
  } catch (error) {
    if (error instanceof CheckpointError) return error;
    throw error;
  }
  throw new Error('expected a CheckpointError, nothing was thrown');
}

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  it('reads the specification example and writes it back byte for byte', () => {
    const checkpoint = parseCheckpoint(c2spCheckpoint.body);
    expect(checkpoint).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
    });
    expect(formatCheckpoint(checkpoint)).toBe(c2spCheckpoint.body);
  });

  it('round-trips sizes from 0 to 2^53 − 1 and extension lines', () => {
    for (const size of [0, 1, 10, Number.MAX_SAFE_INTEGER]) {
      const checkpoint = {
        origin: 'broker.example/log',
        size,
        rootHash: root,
        extensions: ['ext one', '— two'],
      };
      expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
    }
    expect(formatCheckpoint({ origin: 'o', size: 0, rootHash: root })).toBe(
      `o\n0\n${root.toString('base64')}\n`,
    );
  });

  it.each([
    ['no final newline', 'o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=', /end with a newline/],
    ['two lines', 'o\n1\n', /at least three lines/],
    ['an empty origin', '\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n', /Line 1 .* empty/],
    ['a leading zero', 'o\n01\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n', /leading zeroes/],
    ['a negative size', 'o\n-1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n', /decimal/],
    [
      'a size beyond 2^53',
      'o\n9007199254740992\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n',
      /too large/,
    ],
    ['a short root', 'o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urqw==\n', /32 bytes/],
    ['a root not in base64', 'o\n1\nnot-base64!\n', /32 bytes/],
    ['non-canonical base64', 'o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6t=\n', /32 bytes/],
    [
      'an empty extension line',
      'o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\nmore\n',
      /Line 4 .* empty/,
    ],
    [
      'a control character',
      'o\u0007\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n',
      /control character/,
    ],
  ])('refuses a body with %s', (_what, body, reason) => {
    const error = refusal(() => parseCheckpoint(body));
    expect(error.code).toBe('CHECKPOINT_MALFORMED');
    expect(error.message).toMatch(reason);
  });

  it('refuses to write what would read back as another checkpoint', () => {
    expect(refusal(() => formatCheckpoint({ origin: 'evil\n999', size: 1, rootHash: root })).message).toMatch(
      /origin/,
    );
    expect(refusal(() => formatCheckpoint({ origin: '', size: 1, rootHash: root })).message).toMatch(
      /origin/,
    );
    expect(refusal(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root })).message).toMatch(
      /size/,
    );
    expect(refusal(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: root })).message).toMatch(
      /size/,
    );
    expect(
      refusal(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root.subarray(1) })).message,
    ).toMatch(/root/);
    expect(
      refusal(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root, extensions: [''] })).message,
    ).toMatch(/Extension line 1/);
  });

  it('signs a tree head that a verifier opens and proves an entry against', async () => {
    const key = generateLogSigningKey('broker.example/exchange-log');
    const tree = new MemoryMerkleTree();
    const entries = ['one', 'two', 'three'].map((entry) => leafHash(Buffer.from(entry)));
    entries.forEach((entry) => tree.append(entry));
    const note = signCheckpoint(
      { origin: key.name, size: tree.size, rootHash: await treeRoot(3, tree) },
      key,
    );

    const { checkpoint, verifiedBy } = openCheckpoint(note, [verifierKey(key)], key.name);
    expect(verifiedBy).toEqual([key.name]);
    const proof = await inclusionProof(1, checkpoint.size, tree);
    expect(verifyInclusion(entries[1], 1, checkpoint.size, proof, checkpoint.rootHash)).toBe(true);

    const otherLog = refusal(() => openCheckpoint(note, [verifierKey(key)], 'other.example/log'));
    expect(otherLog.code).toBe('CHECKPOINT_ORIGIN_MISMATCH');
    expect(otherLog.message).toContain('other.example/log');
  });
});
