import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_LISTS } from './codelists';

/** Our code-list module must say exactly what the published lists say. */
describe('code lists', () => {
  const published = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'shared', 'oso', 'codelists.json'), 'utf8'),
  ) as Array<{ codelist: number; fields: Array<{ path: string }>; codes: string[] }>;

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
