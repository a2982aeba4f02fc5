import { POVO_DOSSIER } from '../../../test/support/large-dossiers';
import { DossierVerdict } from './dossier-verdict';
import { DossierValidationPool } from './dossier-validation-pool';

/**
 * The engine lets libxml2 leave out the layout between elements (XML_PARSE_NOBLANKS) only where that
 * cannot change the schema's verdict. Each case is judged both ways: as it is, and with a content hash,
 * for which the layout is always read in full. The comment, CDATA and carriage-return cases are the
 * ones where leaving it out would change the verdict (checked by hand against libxml2 with and without
 * the option), so there it must be read in full; processing instructions are refused before libxml2.
 */
describe('dossier validation engine: layout left out only where the schema ignores it', () => {
  const povo = POVO_DOSSIER.xml;
  const today = '2026-11-22';
  let pool: DossierValidationPool;

  beforeAll(() => {
    pool = new DossierValidationPool({ threads: 1 });
  });
  afterAll(() => pool.close());

  const schemaErrors = (verdict: DossierVerdict) =>
    verdict.errors.filter((error) => error.rule === 'XSD').map((error) => `${error.line}: ${error.message}`);

  async function judge(xml: string): Promise<string[]> {
    const bytes = Buffer.from(xml);
    const plain = await pool.validate(bytes, { today });
    const full = await pool.validate(bytes, { today, withContentHash: true });
    expect(schemaErrors(plain)).toEqual(schemaErrors(full));
    return schemaErrors(plain);
  }

  const pakketnaam = /<pakketnaam>[^<]*<\/pakketnaam>/;
  const aandachtspunten = /<aandachtspunten>[^<]*</;
  /** The dossier with one field replaced; throws when the field is absent, so no case passes by doing nothing. */
  const edit = (from: RegExp, to: string) => {
    if (!from.test(povo)) throw new Error(`not in the dossier: ${from}`);
    return povo.replace(from, to);
  };

  it('judges the dossier the same both ways', async () => {
    expect(await judge(povo)).toEqual([]);
  });

  it.each([
    ['a comment', '<pakketnaam>  <!-- x --></pakketnaam>'],
    ['a CDATA section', '<pakketnaam> <![CDATA[]]></pakketnaam>'],
  ])('keeps whitespace-only text beside %s: the value is not empty', async (_, replacement) => {
    expect(await judge(edit(pakketnaam, replacement))).toEqual([]);
  });

  it('refuses a processing instruction before libxml2 (so layout beside one never matters)', async () => {
    const verdict = await pool.validate(Buffer.from(edit(pakketnaam, '<pakketnaam>  <?x y?></pakketnaam>')));
    expect(verdict.errors.map((error) => error.rule)).toEqual(['DOSSIER_PROCESSING_INSTRUCTION']);
  });

  it('keeps whitespace before a carriage return: 300 tabs, CRLF and a letter exceed 280 characters', async () => {
    const errors = await judge(edit(aandachtspunten, `<aandachtspunten>${'\t'.repeat(300)}\r\nx<`));
    expect(errors.join()).toMatch(/maxLength/);
  });

  it.each([
    ['tabs and a letter, too long', `${'\t'.repeat(300)}\nx`, /maxLength/],
    ['only whitespace, too long', ' '.repeat(700), /maxLength/],
    ['only whitespace, short enough', ' \t\n ', null],
    ['padded text', '\n    Waar je extra op moet letten\n  ', null],
  ])('judges a value of %s the same both ways', async (_, value, error) => {
    const errors = await judge(edit(aandachtspunten, `<aandachtspunten>${value}<`));
    if (error) expect(errors.join()).toMatch(error);
    else expect(errors).toEqual([]);
  });

  it('judges extra layout between elements the same both ways', async () => {
    const spread = povo.replace(/>\n(\s*)</g, (_, indent: string) => `>\n\t${indent}  \n${indent}<`);
    expect(await judge(spread)).toEqual([]);
  });
});
