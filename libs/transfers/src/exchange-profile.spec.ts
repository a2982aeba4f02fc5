import { profileMisfit } from './exchange-profile';

const po = { brin: '00YY', sector: 'PO' as const };
const so = { brin: '00YY', sector: 'SO' as const };
const vo = { brin: '01XZ', sector: 'VO' as const };
const vso = { brin: '02AB', sector: 'VSO' as const };
const overstap = (profile: string) => ({ profile, overdrachtsoort: 'overstapdossier' });

describe('which profiles fit which schools', () => {
  it.each([
    [overstap('POVO'), po, vo],
    [overstap('POVO'), so, vso],
    [overstap('POPO'), po, { brin: '03CD', sector: 'PO' as const }],
    [overstap('VOVO'), vo, vso],
    [{ profile: 'POPO', overdrachtsoort: 'overdrachtbinnenbrin' }, po, so],
  ])('%j from %j to %j fits', (dossier, source, target) => {
    expect(profileMisfit(dossier, source, target)).toBeNull();
  });

  it.each([
    [overstap('POVO'), vo, vo, /sent by a PO school/],
    [overstap('POVO'), po, po, /goes to a VO school/],
    [overstap('VOMBO'), vo, vo, /only POPO, POVO and VOVO/],
    [{ profile: 'POSWV', overdrachtsoort: 'swv-dossier' }, po, vo, /not exchanged between schools/],
    [
      { profile: 'POPO', overdrachtsoort: 'overdrachtbinnenbrin' },
      po,
      { brin: '03CD', sector: 'PO' as const },
      /one BRIN/,
    ],
  ])('%j from %j to %j does not fit', (dossier, source, target, problem) => {
    expect(profileMisfit(dossier, source, target)).toMatch(problem);
  });

  it('checks only the sending side when there is no request yet', () => {
    expect(profileMisfit(overstap('POVO'), po)).toBeNull();
    expect(profileMisfit(overstap('POVO'), vo)).toMatch(/sent by a PO school/);
  });
});
