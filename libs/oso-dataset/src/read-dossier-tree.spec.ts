import { at, pathOf, textAt } from './dossier-element';
import { lineAt, linesOf, readDossierIndexed, readDossierTree } from './read-dossier-tree';

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

  it('finds the same lines by the newline index as by scanning', () => {
    const lineOf = linesOf(xml);
    for (const offset of [0, 1, 38, 39, 40, 100, xml.length - 1, xml.length])
      expect(lineOf(offset)).toBe(lineAt(xml, offset));
  });
});

describe('readDossierIndexed', () => {
  // Texts and markup of every length around the reader's 64 KiB windows, to cross their edges.
  const sizes = [10, 65_000, 65_530, 65_536, 70_000, 140_000];

  function document(size: number, pad: number): string {
    const base64 = Buffer.alloc(Math.ceil((size * 3) / 4), 7)
      .toString('base64')
      .slice(0, size);
    return [
      '<?xml version="1.0" encoding="UTF-8"?><!-- <x> -->',
      `<o:dossier xmlns:o="urn:oso">${' '.repeat(pad)}<o:naam>Bj\u00f6rn &amp; co</o:naam>`,
      `<o:document><o:bestandsinhoud>${base64}</o:bestandsinhoud></o:document>`,
      `<!-- ${'c'.repeat(size % 997)} --><o:cdata><![CDATA[<niet> &amp; ${'z'.repeat(pad * 7)}]]></o:cdata>`,
      `<o:lang${'x'.repeat(40)} a="x>y ${'v'.repeat(size > 100_000 ? 70_000 : 10)}">t\u00e9xt</o:lang${'x'.repeat(40)}  >`,
      ...Array.from(
        { length: 40 },
        (_, i) => `<o:item>\u00e9${'w'.repeat((i * 997 + pad) % 3000)}</o:item>\n  `,
      ),
      '<o:document><o:bestandsinhoud>',
      base64,
      ' &lt;</o:bestandsinhoud></o:document><o:leeg/></o:dossier>',
    ].join('');
  }

  it.each(sizes.flatMap((size) => [0, 5, 17].map((pad) => [size, pad])))(
    'reads the same tree whichever window edge the markup falls on (text %i, shift %i)',
    (size, pad) => {
      const xml = document(size, pad);
      const { root, all, byName } = readDossierIndexed(Buffer.from(xml));
      const base64 = Buffer.alloc(Math.ceil((size * 3) / 4), 7)
        .toString('base64')
        .slice(0, size);
      expect(textAt(root, 'naam')).toBe('Björn & co');
      expect(byName.get('bestandsinhoud')!.map((element) => element.text)).toEqual([base64, `${base64} <`]);
      expect(at(root, 'cdata')!.text).toBe(`<niet> &amp; ${'z'.repeat(pad * 7)}`);
      const lang = root.children[3];
      expect([lang.name, lang.text, lang.attributes.a.length]).toEqual([
        `lang${'x'.repeat(40)}`,
        'téxt',
        size > 100_000 ? 70_004 : 14,
      ]);
      expect(byName.get('item')!.map((item) => item.text.length)).toEqual(
        Array.from({ length: 40 }, (_, i) => 1 + ((i * 997 + pad) % 3000)),
      );
      // Offsets are byte offsets in the whole text, wherever the window stood.
      const bytes = Buffer.from(xml);
      for (const element of all)
        expect(bytes.toString('latin1', element.offset, element.offset + 3)).toMatch(/^<o:/);
    },
  );

  it('reads names right when the one expected from an earlier dossier differs only at its end', () => {
    const names = (xml: string) => readDossierIndexed(Buffer.from(xml)).all.map((element) => element.name);
    expect(names('<r><item><ab/></item><item><ab/></item></r>')).toEqual(['r', 'item', 'ab', 'item', 'ab']);
    expect(names('<r><item><a/></item><item><abc x="1"/></item><items/></r>')).toEqual([
      'r',
      'item',
      'a',
      'item',
      'abc',
      'items',
    ]);
    expect(names('<r><item><ab>1</ab></item></r>')).toEqual(['r', 'item', 'ab']);
  });

  it('indexes every element in document order, and by local name', () => {
    const { root, all, byName } = readDossierIndexed(
      Buffer.from('<a xmlns="urn:x"><b><c/></b><c>1</c><p:c xmlns:p="urn:y">2</p:c></a>'),
    );
    expect(all.map((element) => element.name)).toEqual(['a', 'b', 'c', 'c', 'c']);
    expect(all[0]).toBe(root);
    expect(byName.get('c')!.map((element) => [element.namespace, element.text])).toEqual([
      ['urn:x', ''],
      ['urn:x', '1'],
      ['urn:y', '2'],
    ]);
  });
});
