import { at, pathOf, textAt } from './dossier-element';
import { lineAt, readDossierTree } from './read-dossier-tree';

describe('readDossierTree', () => {
  const xml = Buffer.from(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- a comment with <tags> -->',
      '<o:dossier xmlns:o="urn:oso" a="1">',
      '  <o:naam>Bj\u00f6rn &amp; co &#233;&#x41;</o:naam>',
      '  <o:lijst><o:item>1</o:item><o:item>2</o:item><o:leeg/></o:lijst>',
      '  <o:land omschrijving="Nederland &quot;NL&quot;">6030</o:land>',
      '  <o:cdata><![CDATA[<niet> & geparsed]]></o:cdata>',
      '</o:dossier>',
    ].join('\n'),
  );
  const root = readDossierTree(xml);

  it('reads names without prefix, with their namespace', () => {
    expect(root.name).toBe('dossier');
    expect(root.namespace).toBe('urn:oso');
    expect(root.children.map((element) => element.name)).toEqual(['naam', 'lijst', 'land', 'cdata']);
  });

  it('decodes UTF-8, entities and character references; keeps CDATA as it is', () => {
    expect(textAt(root, 'naam')).toBe('Björn & co éA');
    expect(textAt(root, 'cdata')).toBe('<niet> & geparsed');
    expect(at(root, 'land')?.attributes).toEqual({ omschrijving: 'Nederland "NL"' });
  });

  it('gives paths with positions among same-named siblings, and lines', () => {
    const second = at(root, 'lijst')!.children[1];
    expect(pathOf(second)).toBe('/dossier/lijst/item[2]');
    expect(pathOf(at(root, 'lijst', 'leeg')!)).toBe('/dossier/lijst/leeg');
    expect(lineAt(xml, second.offset)).toBe(5);
  });
});
