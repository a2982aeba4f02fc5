import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CODE_LISTS } from '../codelists';
import { OSO_NAMESPACE } from '../oso-standard';
import { SECRET_EMAIL, SECRET_PHONE } from '../rules/privacy-masking.rules';
import { GENERATABLE_PROFILES, generateDossier } from './index';
import { DossierRecipe } from './recipe';

/**
 * The generator writes in our own words: no text of the official example dossiers may turn up in what
 * it makes. Element names and codes are facts of the standard and short; a value of more than
 * MIN_LENGTH characters (a name, an address, a remark) is text. Runs where the examples are (CI has
 * them beside the repository, or OSO_EXAMPLES_DIR names them); elsewhere it says that it was skipped.
 */
const MIN_LENGTH = 12;
/** Values the standard itself fixes: its namespace, its codes, its placeholders for secret contacts. */
const FACTS_OF_THE_STANDARD = new Set([
  OSO_NAMESPACE,
  SECRET_EMAIL,
  SECRET_PHONE,
  ...CODE_LISTS.flatMap((list) => list.codes),
]);
const EXAMPLES =
  process.env.OSO_EXAMPLES_DIR ??
  resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'oso', 'reference', 'examples');
const available = existsSync(EXAMPLES);
if (!available)
  process.stderr.write(
    `no-copied-text: skipped, the official examples are not at ${EXAMPLES}; set OSO_EXAMPLES_DIR to run it\n`,
  );

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

(available ? describe : describe.skip)('generated dossiers and the official examples', () => {
  let exampleValues: Set<string>;
  beforeAll(() => {
    exampleValues = new Set(
      readdirSync(EXAMPLES)
        .filter((name) => name.endsWith('.xml'))
        .flatMap((name) => valuesOf(readFileSync(join(EXAMPLES, name), 'utf8')))
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
