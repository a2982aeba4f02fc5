import { bsnsIn, expectBsnNotEchoed, pupilIdentifiersIn } from './pupil-echo';

/** The privacy check must not pass for want of something to look for. */
describe('the "no BSN echoed" check', () => {
  const dossier = Buffer.from(
    '<dossier><leerling><achternaam>Jansen</achternaam><bsn>111222333</bsn></leerling></dossier>',
  );

  it('finds the BSNs of a dossier or a JSON body, and the pupil’s surname', () => {
    expect(bsnsIn(dossier)).toEqual(['111222333']);
    expect(bsnsIn({ pupil: { bsn: '269326728', geboortedatum: '2003-03-17' } })).toEqual(['269326728']);
    expect(bsnsIn(Buffer.from('{"cursor":"abc"}'))).toEqual([]);
    expect(pupilIdentifiersIn(dossier.toString())).toEqual(['111222333', 'Jansen']);
  });

  it('fails loudly when what was sent holds no BSN', () => {
    expect(() => expectBsnNotEchoed(Buffer.from('<dossier/>'), 'anything')).toThrow(
      /no BSN in what was sent/,
    );
    expect(() => expectBsnNotEchoed(undefined, 'anything')).toThrow(/no BSN/);
  });

  it('fails when the answer repeats it, and passes when it does not', () => {
    expect(() => expectBsnNotEchoed(dossier, '{"error":"X","message":"bsn 111222333"}')).toThrow();
    expect(() => expectBsnNotEchoed(dossier, { error: 'X', message: 'the bsn is wrong' })).not.toThrow();
  });
});
