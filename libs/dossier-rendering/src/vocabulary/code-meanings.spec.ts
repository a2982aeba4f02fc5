import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  GENERATABLE_PROFILES,
  generateDossier,
  readDossierTree,
  type DossierElement,
} from '@app/oso-dataset';
import { CODE_LISTS } from '@app/oso-dataset/codelists';
import {
  CONFORMANCE_SKIP_REASON,
  OFFICIAL_CODELISTS_FILE,
  describeOnOfficialExamples,
  officialExampleFiles,
} from '../../../../test/support/official-examples';
import { CODE_MEANINGS } from './code-meaning-tables';
import { EXTRA_CODED_FIELDS, codeListOf, codeMeaning } from './code-meanings';
import { CODES_WITHOUT_KNOWN_MEANING } from './codes-without-known-meaning';
import { allElements, elementIn } from './testing/vocabulary-test-support';

const meaningOf = (list: number, code: string): string | undefined =>
  Object.hasOwn(CODE_MEANINGS[list] ?? {}, code) ? CODE_MEANINGS[list][code] : undefined;
const isUnknown = (list: number, code: string): boolean =>
  (CODES_WITHOUT_KNOWN_MEANING[list] ?? []).includes(code);

describe('code meanings, against the checked code lists', () => {
  it('explains every code, or lists it as without known meaning, never both', () => {
    const neither: string[] = [];
    const both: string[] = [];
    for (const { list, codes } of CODE_LISTS) {
      for (const code of codes) {
        const known = meaningOf(list, code) !== undefined;
        if (!known && !isUnknown(list, code)) neither.push(`${list}:${code}`);
        if (known && isUnknown(list, code)) both.push(`${list}:${code}`);
      }
    }
    expect(neither).toEqual([]);
    expect(both).toEqual([]);
  });

  it('lists as without known meaning only codes that are really in their list', () => {
    const stray = Object.entries(CODES_WITHOUT_KNOWN_MEANING).flatMap(([list, codes]) => {
      const listed = CODE_LISTS.find((codeList) => codeList.list === Number(list))?.codes ?? [];
      return codes.filter((code) => !listed.includes(code)).map((code) => `${list}:${code}`);
    });
    expect(stray).toEqual([]);
  });

  it('gives meanings only for codes of a list the broker knows or an extra coded field', () => {
    const extraLists = new Set(EXTRA_CODED_FIELDS.map((field) => field.list));
    const stray = Object.entries(CODE_MEANINGS).flatMap(([list, meanings]) => {
      const codeList = CODE_LISTS.find((candidate) => candidate.list === Number(list));
      if (!codeList) return extraLists.has(Number(list)) ? [] : [`list ${list}`];
      return Object.keys(meanings)
        .filter((code) => !codeList.codes.includes(code))
        .map((code) => `${list}:${code}`);
    });
    expect(stray).toEqual([]);
  });

  it('writes every meaning as text: not empty, no stray spaces', () => {
    const odd = Object.entries(CODE_MEANINGS).flatMap(([list, meanings]) =>
      Object.entries(meanings)
        .filter(([, meaning]) => meaning.trim() === '' || meaning.trim() !== meaning)
        .map(([code]) => `${list}:${code}`),
    );
    expect(odd).toEqual([]);
  });
});

describe('codeMeaning, by the element’s location', () => {
  const meaning = (xml: string, name: string) => {
    const element = elementIn(xml, name);
    return codeMeaning(element, element.text);
  };

  it('explains the codes the brief names', () => {
    expect(meaning('<leerling><geslacht>1</geslacht></leerling>', 'geslacht')).toBe('vrouw');
    expect(meaning('<verzorger><geslacht>2</geslacht></verzorger>', 'geslacht')).toBe('man');
    expect(meaning('<verzorger><relatietotkind>3</relatietotkind></verzorger>', 'relatietotkind')).toBe(
      'voogd',
    );
    expect(meaning('<inzage><akkoord>Onbekend</akkoord></inzage>', 'akkoord')).toBe('niet bekend');
    expect(meaning('<metadata><overstap>POVO</overstap></metadata>', 'overstap')).toBe(
      'van primair naar voortgezet onderwijs',
    );
    expect(
      meaning('<dossier><overdrachtsoort>swv-dossier</overdrachtsoort></dossier>', 'overdrachtsoort'),
    ).toBe('dossier voor het samenwerkingsverband passend onderwijs');
    const referentieniveau =
      '<eindtoets_basisonderwijs><eindtoetsresultaat><onderdelen><onderdeel>' +
      '<ond_referentieniveau>03</ond_referentieniveau></onderdeel></onderdelen></eindtoetsresultaat>' +
      '</eindtoets_basisonderwijs>';
    expect(meaning(referentieniveau, 'ond_referentieniveau')).toBe('referentieniveau 1S');
    expect(meaning('<diagnose><code>F81.0</code></diagnose>', 'code')).toBe('leesstoornis (dyslexie)');
    expect(meaning('<toets><afname><jaargroep>12</jaargroep></afname></toets>', 'jaargroep')).toBe(
      'leerjaar 2 (voortgezet onderwijs)',
    );
  });

  it('decides by the parent: the same name is coded in one place and plain text in another', () => {
    expect(meaning('<adres><aanduiding>TO</aanduiding></adres>', 'aanduiding')).toBe('tegenover');
    expect(meaning('<communicatie><aanduiding>werk</aanduiding></communicatie>', 'aanduiding')).toBe(
      'voor het werk',
    );
    expect(meaning('<huidigeschool><soort>telefoon</soort></huidigeschool>', 'soort')).toBeNull();
    expect(meaning('<toets><code>F81.0</code></toets>', 'code')).toBeNull();
    // toetssoort is list 42 only inside the final test
    expect(meaning('<elders><toetssoort>0011</toetssoort></elders>', 'toetssoort')).toBeNull();
    const finalTest =
      '<eindtoets_basisonderwijs><eindtoetsresultaat><toetssoort>0011</toetssoort></eindtoetsresultaat>' +
      '</eindtoets_basisonderwijs>';
    expect(meaning(finalTest, 'toetssoort')).toBe('Centrale Eindtoets');
  });

  it('knows the extra coded fields the broker does not check', () => {
    expect(meaning('<metadata><deeldossier>LASLVS</deeldossier></metadata>', 'deeldossier')).toBe(
      'uit de leerlingadministratie en het leerlingvolgsysteem',
    );
    expect(meaning('<bevorderd><leerjaar>13</leerjaar></bevorderd>', 'leerjaar')).toBe(
      'leerjaar 3 (voortgezet onderwijs)',
    );
  });

  it('shows a code alone when its meaning is unknown, absent from its list or an object key', () => {
    const advice = elementIn('<overstapadvies><advies>40</advies></overstapadvies>', 'advies');
    expect(codeListOf(advice)).toBe(2);
    expect(codeMeaning(advice, '40')).toBeNull();
    const sex = elementIn('<leerling><geslacht>1</geslacht></leerling>', 'geslacht');
    expect(codeMeaning(sex, '7')).toBeNull();
    expect(codeMeaning(sex, 'constructor')).toBeNull();
    expect(codeMeaning(sex, ' 1 ')).toBe('vrouw');
  });
});

/** Every coded element of a tree with its list and code, for the two suites below. */
function codedValues(root: DossierElement): Array<{ list: number; code: string }> {
  return allElements(root).flatMap((element) => {
    const list = codeListOf(element);
    return list === null ? [] : [{ list, code: element.text.trim() }];
  });
}

describeOnOfficialExamples('code meanings, on every official example', () => {
  it.each(officialExampleFiles().map((file) => [basename(file), file]))('%s', (_name, file) => {
    const values = codedValues(readDossierTree(readFileSync(file)));
    expect(values.length).toBeGreaterThan(10);
    const unexplained = values.filter(
      ({ list, code }) => meaningOf(list, code) === undefined && !isUnknown(list, code),
    );
    expect(unexplained).toEqual([]);
  });

  const codelistsPresent = existsSync(OFFICIAL_CODELISTS_FILE);
  (codelistsPresent ? it : it.skip)(
    codelistsPresent ? 'explains every code of the published codelists.json' : CONFORMANCE_SKIP_REASON,
    () => {
      const published = JSON.parse(readFileSync(OFFICIAL_CODELISTS_FILE, 'utf8')) as Array<{
        codelist: number;
        codes: string[];
      }>;
      const unexplained = published.flatMap(({ codelist, codes }) =>
        codes
          .filter((code) => meaningOf(codelist, code) === undefined && !isUnknown(codelist, code))
          .map((code) => `${codelist}:${code}`),
      );
      expect(published.length).toBeGreaterThan(30);
      expect(unexplained).toEqual([]);
    },
  );
});

describe('code meanings, on our generated dossiers', () => {
  it.each(GENERATABLE_PROFILES.map((profile) => [profile]))('%s', (profile) => {
    const xml = generateDossier({ profile, attachments: { count: 0 } }).xml;
    const values = codedValues(readDossierTree(Buffer.from(xml, 'utf8')));
    expect(values.length).toBeGreaterThan(5);
    const unexplained = values.filter(
      ({ list, code }) => meaningOf(list, code) === undefined && !isUnknown(list, code),
    );
    expect(unexplained).toEqual([]);
  });
});
