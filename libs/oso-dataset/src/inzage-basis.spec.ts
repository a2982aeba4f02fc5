import { inzageBasisHash, withoutInzageRemarks } from './inzage-basis';

/** Canonical XML as exclusive C14N writes it: no XML declaration, no self-closing tags, `<` escaped. */
const NS = 'xmlns="http://www.edustandaard.nl/leerlingdossier/2019.1"';
function canonical(inzage: string, rest = '<school>Testschool</school>'): string {
  return `<dossier ${NS}>\n  <metadata>1</metadata>\n  ${inzage}\n  ${rest}\n</dossier>`;
}
const block = (children: string) =>
  `<inzage>\n    <voorlopigdossier>false</voorlopigdossier>${children}\n  </inzage>`;
const BASE =
  '\n    <inzage>true</inzage>\n    <inzagedatum>2026-10-01</inzagedatum>\n    <akkoord>Ja</akkoord>';
const WITH_REMARKS =
  '\n    <inzage>true</inzage>\n    <inzagedatum>2026-10-01</inzagedatum>\n    <akkoord>Nee</akkoord>' +
  '\n    <redennietakkoord>Wij zien het anders &lt;echt&gt;.</redennietakkoord>';

describe('the inzage basis: the canonical dossier without the parents’ remarks', () => {
  it('stays the same when only the remarks (akkoord, redennietakkoord) are added or changed', () => {
    const v1 = canonical(block(BASE));
    const v2 = canonical(block(WITH_REMARKS));
    const v3 = canonical(block(WITH_REMARKS.replace('anders', 'heel anders')));
    const v4 = canonical(block(BASE.replace('\n    <akkoord>Ja</akkoord>', '')));
    expect(new Set([v1, v2, v3, v4]).size).toBe(4);
    expect(new Set([v1, v2, v3, v4].map(inzageBasisHash)).size).toBe(1);
    expect(withoutInzageRemarks(v2)).not.toMatch(/akkoord|anders/);
  });

  it('changes with anything else: the inzage itself, its date, consent, or content outside the block', () => {
    const v1 = canonical(block(BASE));
    const others = [
      canonical(block(BASE.replace('2026-10-01', '2026-10-02'))),
      canonical(block(BASE.replace('<inzage>true', '<inzage>false'))),
      canonical(block(`${BASE}\n    <toestemming>Ja</toestemming>`)),
      canonical(block(BASE).replace('false</voorlopigdossier>', 'true</voorlopigdossier>')),
      canonical(block(BASE), '<school>Andere school</school>'),
      canonical(block(BASE), '<school>Testschool</school><akkoord>Ja</akkoord>'),
    ];
    for (const other of others) expect(inzageBasisHash(other)).not.toBe(inzageBasisHash(v1));
  });

  it('reads a prefixed namespace too, and leaves a dossier without an inzage block as it is', () => {
    const prefixed = (children: string) =>
      `<o:dossier xmlns:o="urn:x"><o:inzage><o:voorlopigdossier>false</o:voorlopigdossier>${children}</o:inzage></o:dossier>`;
    expect(
      inzageBasisHash(prefixed('<o:akkoord>Nee</o:akkoord><o:redennietakkoord>x</o:redennietakkoord>')),
    ).toBe(inzageBasisHash(prefixed('<o:akkoord>Ja</o:akkoord>')));
    const without = canonical('<leerling>1</leerling>');
    expect(withoutInzageRemarks(without)).toBe(without);
  });

  it('leaves a block it cannot read as a plain list of simple children whole (no remarks-only match)', () => {
    const odd = canonical(block(`${WITH_REMARKS}\n    <extra><x>1</x></extra>`));
    expect(withoutInzageRemarks(odd)).toBe(odd);
  });
});
