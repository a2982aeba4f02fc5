import {
  describeOnOfficialExamples,
  officialExampleByFileName,
  officialExampleNames,
} from '../../../../test/support/official-examples';
import { CODE_LISTS } from '../codelists';
import { OSO_NAMESPACE } from '../oso-standard';
import { SECRET_EMAIL, SECRET_PHONE } from '../rules/privacy-masking.rules';
import { GENERATABLE_PROFILES, generateDossier } from './index';
import { DossierRecipe } from './recipe';

/**
 * The generator writes in our own words: no text of the official example dossiers may turn up in what
 * it makes. Element names and codes are facts of the standard and short; a value of more than
 * MIN_LENGTH characters (a name, an address, a remark) is text. A conformance suite: it runs where the
 * official examples are (test/support/official-examples.ts).
 */
const MIN_LENGTH = 12;
/** Values the standard itself fixes: its namespace, its codes, its placeholders for secret contacts. */
const FACTS_OF_THE_STANDARD = new Set([
  OSO_NAMESPACE,
  SECRET_EMAIL,
  SECRET_PHONE,
  ...CODE_LISTS.flatMap((list) => list.codes),
]);
/** Text and attribute values of an XML document, decoded the simple way (the examples use no CDATA). */
function valuesOf(xml: string): string[] {
  const values = [...xml.matchAll(/>([^<]+)</g)].map((match) => match[1]);
  values.push(...[...xml.matchAll(/="([^"]*)"/g)].map((match) => match[1]));
  return values
    .map((value) =>
      value
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .trim(),
    )
    .filter((value) => value.length > MIN_LENGTH);
}

describeOnOfficialExamples('generated dossiers and the official examples', () => {
  let exampleValues: Set<string>;
  beforeAll(() => {
    exampleValues = new Set(
      officialExampleNames()
        .flatMap((name) => valuesOf(officialExampleByFileName(name)))
        .filter((value) => !FACTS_OF_THE_STANDARD.has(value)),
    );
  });
  const copiedInto = (xml: string) => [...exampleValues].filter((value) => xml.includes(value));

  it('reads text from the examples, and would notice one of them in a dossier', () => {
    expect(exampleValues.size).toBeGreaterThan(50);
    const [sample] = [...exampleValues].filter((value) => !/[<&"]/.test(value));
    const copying = generateDossier({ profile: 'POVO', inzage: { remarks: sample } }).xml;
    expect(copiedInto(copying)).toContain(sample);
  });

  it('share no text longer than a few words', () => {
    const options: Array<Partial<DossierRecipe>> = [
      {},
      { secretAddress: true },
      { inzage: { remarks: true } },
    ];
    const copied = new Set<string>();
    for (const profile of GENERATABLE_PROFILES)
      for (const option of options)
        for (let seed = 1; seed <= 20; seed++)
          for (const value of copiedInto(generateDossier({ profile, seed, ...option }).xml))
            copied.add(value);
    expect([...copied]).toEqual([]);
  });
});
