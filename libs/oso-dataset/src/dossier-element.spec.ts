import { pathOf } from './dossier-element';
import { readDossierTree } from './read-dossier-tree';

describe('pathOf', () => {
  const tree = (xml: string) => readDossierTree(Buffer.from(xml, 'utf8'));

  it('numbers same-named siblings and leaves single ones bare', () => {
    const root = tree('<dossier><a/><b><c/></b><a><d/></a></dossier>');
    expect(root.children.map(pathOf)).toEqual(['/dossier/a[1]', '/dossier/b', '/dossier/a[2]']);
    expect(pathOf(root.children[2].children[0])).toBe('/dossier/a[2]/d');
  });

  it('numbers every one of many siblings right, also past the cached size', () => {
    const items = Array.from({ length: 200 }, (_, index) => (index % 3 === 0 ? '<x/>' : '<y/>')).join('');
    const root = tree(`<dossier><list>${items}</list></dossier>`);
    const paths = root.children[0].children.map(pathOf);
    expect(paths[0]).toBe('/dossier/list/x[1]');
    expect(paths[1]).toBe('/dossier/list/y[1]');
    expect(paths[198]).toBe('/dossier/list/x[67]');
    expect(paths[199]).toBe('/dossier/list/y[133]');
    expect(new Set(paths).size).toBe(200);
  });
});
