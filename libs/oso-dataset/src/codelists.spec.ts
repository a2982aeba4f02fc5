import { readFileSync } from 'node:fs';
import { CODE_LISTS } from './codelists';
import { OFFICIAL_CODELISTS_FILE, describeOnOfficialExamples } from '../../../test/support/official-examples';

/** Our code-list module must say exactly what the published lists say (they come with the official examples). */
describeOnOfficialExamples('code lists, against the published codelists.json', () => {
  const published = JSON.parse(readFileSync(OFFICIAL_CODELISTS_FILE, 'utf8')) as Array<{
    codelist: number;
    fields: Array<{ path: string }>;
    codes: string[];
  }>;

  it('has every published list with the same codes and fields', () => {
    expect(CODE_LISTS.map((list) => list.list)).toEqual(published.map((list) => list.codelist));
    for (const source of published) {
      const ours = CODE_LISTS.find((list) => list.list === source.codelist)!;
      expect([...ours.codes]).toEqual(source.codes);
      expect(ours.fields.map((field) => field.suffix.join('/'))).toEqual(
        source.fields.map((field) => field.path.replace(/^(\/descendant::\*\/|\/\/)/, '')),
      );
    }
  });
});
