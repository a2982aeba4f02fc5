import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOSSIER_INPUT_CODES } from './dossier-input';
import { DOSSIER_SHAPE_CODES } from './dossier-shape';

describe('the input checks table of docs/api-guide.md', () => {
  const guide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'api-guide.md'), 'utf8');
  const section = guide.slice(guide.indexOf('| rule '), guide.indexOf('## 7.'));
  const listed = [...section.matchAll(/^\| `([A-Z0-9_]+)` /gm)].map((match) => match[1]);

  it('lists every code of the input and shape checks', () => {
    for (const code of [...DOSSIER_INPUT_CODES, ...DOSSIER_SHAPE_CODES]) {
      expect([code, listed.includes(code)]).toEqual([code, true]);
    }
  });
});
