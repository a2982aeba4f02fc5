import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from './all-rules';

/** docs/official-rules.md says, per rule, where the official validator runs it: it must say what the code does. */
describe('docs/official-rules.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'official-rules.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `([^`]+)` \| [^|]+ \| (yes|—) \| (yes|—) \| (yes|—) \|/gm)].map((row) => [
      row[1],
      { OV: row[2] === 'yes', PaO: row[3] === 'yes', strict: row[4] === 'yes' },
    ]),
  );
  /** The code lists share one row. */
  const rowOf = (id: string) => (id.startsWith('OSO.CL.') ? 'OSO.CL.nn' : id);

  it('has one row per rule, saying the bundles the code says', () => {
    const expected = new Map(
      ALL_RULES.map((rule) => [
        rowOf(rule.id),
        {
          OV: rule.officialIn?.includes('OV') === true,
          PaO: rule.officialIn?.includes('PaO') === true,
          strict: true,
        },
      ]),
    );
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
  });
});
