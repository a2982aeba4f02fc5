import { NoteError } from './note-error';
import {
  generateLogSigningKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signerKey,
  signNote,
  verifierKey,
} from './signed-note';
import { c2spNote, goNote } from './testdata/note-vectors';

const goSigned = `${goNote.text}\n${goNote.peterSignatureLine}`;

function refusal(action: () => unknown): NoteError {
  try {
    action();
  } catch (error) {
    if (error instanceof NoteError) return error;
    throw error;
  }
  throw new Error('expected a NoteError, nothing was thrown');
}

describe('signed notes: published vectors', () => {
  it('opens the c2sp.org/signed-note example with its verifier key', () => {
    expect(openNote(c2spNote.note, [c2spNote.verifierKey])).toEqual({
      body: 'This is an example message.\n',
      verifiedBy: ['example.com/foo'],
    });
  });

  it("opens Go's sumdb/note example, and signs it to the same bytes with Go's signer key", () => {
    expect(openNote(goSigned, [goNote.verifierKey])).toEqual({
      body: goNote.text,
      verifiedBy: ['PeterNeumann'],
    });
    const key = parseSignerKey(goNote.signerKey);
    expect(signNote(goNote.text, key)).toBe(goSigned); // Ed25519 is deterministic
    expect(verifierKey(key)).toBe(goNote.verifierKey);
    expect(signerKey(key)).toBe(goNote.signerKey);
  });

  it('verifies every known signer, ignores unknown ones, and needs at least one', () => {
    const twoSigned = `${goNote.text}\n${goNote.peterSignatureLine}${goNote.enochSignatureLine}`;
    expect(openNote(twoSigned, [goNote.verifierKey]).verifiedBy).toEqual(['PeterNeumann']);
    expect(openNote(twoSigned, [goNote.verifierKey, goNote.enochVerifierKey]).verifiedBy).toEqual([
      'PeterNeumann',
      'EnochRoot',
    ]);
    const unverified = refusal(() => openNote(twoSigned, [c2spNote.verifierKey]));
    expect(unverified.code).toBe('NOTE_UNVERIFIED');
    expect(unverified.message).toContain('PeterNeumann+c74f20a3');
  });

  it("accepts Go's verifier key and refuses its manglings", () => {
    expect(parseVerifierKey(goNote.verifierKey)).toMatchObject({ name: 'PeterNeumann', keyId: 'c74f20a3' });
    const text = goNote.verifierKey;
    const manglings = [
      text.slice(1),
      text.slice(0, -1),
      text.replace('+c74f20a3', '+c74f20a4'),
      text.replace('PeterNeumann', 'PeterNeuman'),
      text.replace('+ARpc', '+ZRpc'), // unknown signature type
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', // wrong key length
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ];
    for (let i = 0; i < text.length; i += 1) {
      manglings.push(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) + 1) + text.slice(i + 1));
    }
    const accepted = manglings.filter((mangled) => {
      try {
        parseVerifierKey(mangled);
        return true;
      } catch (error) {
        expect((error as NoteError).code).toBe('NOTE_KEY_INVALID');
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });

  it("refuses Go's signer key when mangled", () => {
    const text = goNote.signerKey;
    const manglings = [
      text.slice(1),
      text.slice(0, -1),
      text.replace('PRIVATE+KEY+', ''),
      text.replace('c74f', 'c75f'),
    ];
    for (let i = 0; i < text.length; i += 1) {
      manglings.push(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) + 1) + text.slice(i + 1));
    }
    const accepted = manglings.filter((mangled) => {
      try {
        parseSignerKey(mangled);
        return true;
      } catch {
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });
});

describe('signed notes: our own keys', () => {
  const key = generateLogSigningKey('broker.example/exchange-log');
  const verifier = verifierKey(key);
  const body = 'broker.example/exchange-log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

  it('round-trips keys and notes', () => {
    const note = signNote(body, key);
    expect(note.startsWith(`${body}\n\u2014 broker.example/exchange-log `)).toBe(true);
    expect(openNote(note, [verifier])).toEqual({ body, verifiedBy: ['broker.example/exchange-log'] });
    const reread = parseSignerKey(signerKey(key));
    expect(verifierKey(reread)).toBe(verifier);
    expect(openNote(signNote(body, reread), [verifier]).body).toBe(body);
    expect(parseVerifierKey(verifier).publicKey.equals(key.publicKey)).toBe(true);
  });

  it.each([
    ['a changed body', (note: string) => note.replace('\n42\n', '\n43\n'), 'NOTE_SIGNATURE_INVALID'],
    [
      'a changed signature',
      // One base64 digit of the Ed25519 signature itself (past the key id), still canonical base64.
      (note: string) =>
        note.replace(
          / (\S{20})(\S)(\S*)\n$/,
          (_all, before, digit, after) => ` ${before}${digit === 'A' ? 'B' : 'A'}${after}\n`,
        ),
      'NOTE_SIGNATURE_INVALID',
    ],
    ['no final newline', (note: string) => note.slice(0, -1), 'NOTE_MALFORMED'],
    ['no blank line', (note: string) => note.replace('\n\n', '\n'), 'NOTE_MALFORMED'],
    ['a line after the signatures', (note: string) => `${note}Unexpected line.\n`, 'NOTE_MALFORMED'],
    ['a control character', (note: string) => `\u0001${note}`, 'NOTE_MALFORMED'],
    ['broken UTF-8', (note: string) => `\ud800${note}`, 'NOTE_MALFORMED'],
    [
      'a space in the key name',
      (note: string) => note.replace('\u2014 broker', '\u2014 bad broker'),
      'NOTE_MALFORMED',
    ],
  ])('refuses a note with %s', (_what, tamper, code) => {
    const error = refusal(() => openNote(tamper(signNote(body, key)), [verifier]));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('refuses a note signed by another key of the same name, and names both keys', () => {
    const impostor = generateLogSigningKey('broker.example/exchange-log');
    const error = refusal(() => openNote(signNote(body, impostor), [verifier]));
    expect(error.code).toBe('NOTE_UNVERIFIED');
    expect(error.message).toContain(verifier.split('+').slice(0, 2).join('+'));
    expect(error.message).toContain(verifierKey(impostor).split('+').slice(0, 2).join('+'));
  });

  it('refuses a note signed by an unknown key', () => {
    const stranger = generateLogSigningKey('elsewhere.example/log');
    expect(refusal(() => openNote(signNote(body, stranger), [verifier])).code).toBe('NOTE_UNVERIFIED');
    expect(refusal(() => openNote(signNote(body, key), [])).code).toBe('NOTE_UNVERIFIED');
  });

  it('refuses to sign what is not a note text, or under a name that is not a key name', () => {
    expect(refusal(() => signNote('no final newline', key)).code).toBe('NOTE_MALFORMED');
    expect(refusal(() => signNote('', key)).code).toBe('NOTE_MALFORMED');
    expect(refusal(() => signNote('tab\there\n', key)).code).toBe('NOTE_MALFORMED');
    expect(refusal(() => generateLogSigningKey('has space')).code).toBe('NOTE_KEY_INVALID');
    expect(refusal(() => generateLogSigningKey('a+b')).code).toBe('NOTE_KEY_INVALID');
    expect(refusal(() => generateLogSigningKey('')).code).toBe('NOTE_KEY_INVALID');
  });

  it('keeps a text whose last line is blank apart from the signatures', () => {
    const withBlankLine = 'first\n\n';
    expect(openNote(signNote(withBlankLine, key), [verifier]).body).toBe(withBlankLine);
  });
});
