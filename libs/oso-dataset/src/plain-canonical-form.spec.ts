import { OSO_NAMESPACE } from './oso-standard';
import { plainCanonicalForm } from './plain-canonical-form';

/**
 * What the canonical form written from the bytes looks like, by hand; that it equals libxml2's on any
 * input it writes one for is content-hash.int-spec.ts's (it needs libxml2 in a thread of its own).
 */
const canonical = (xml: string) => plainCanonicalForm(Buffer.from(xml, 'utf8'))?.toString('utf8') ?? null;
const ROOT = `<dossier xmlns="${OSO_NAMESPACE}">`;

describe('plainCanonicalForm', () => {
  it('leaves out the declaration and the layout outside the root, tidies tags, escapes > in text, sorts attributes', () => {
    const xml =
      `\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<dossier  xmlns = '${OSO_NAMESPACE}' >\n` +
      `  <a z="1" b='x > "y"'>t &lt; &amp; &gt; > é😀</a >\n  <leeg/><ook-leeg />\n</dossier>\n\n`;
    // A `"` in a value is not plain (C14N writes it as &quot;): left to libxml2.
    expect(canonical(xml)).toBeNull();
    expect(canonical(xml.replace(`'x > "y"'`, `'x > y'`))).toBe(
      `${ROOT}\n  <a b="x > y" z="1">t &lt; &amp; &gt; &gt; é😀</a>\n  <leeg></leeg><ook-leeg></ook-leeg>\n</dossier>`,
    );
  });

  it('leaves to libxml2 what is not plain', () => {
    const notPlain = [
      `${ROOT}<!-- c --></dossier>`,
      `${ROOT}<![CDATA[x]]></dossier>`,
      `${ROOT}<?pi x?></dossier>`,
      `<!-- c -->${ROOT}</dossier>`,
      `<?xml-stylesheet href="x"?>${ROOT}</dossier>`,
      `${ROOT}</dossier><!-- c -->`,
      `${ROOT}&#x41;</dossier>`,
      `${ROOT}&quot;</dossier>`,
      `${ROOT}a\r\nb</dossier>`,
      `${ROOT}a\ufeffb</dossier>`,
      `${ROOT}<p:a xmlns:p="urn:p"></p:a></dossier>`,
      `${ROOT}<a xmlns="${OSO_NAMESPACE}"></a></dossier>`,
      `${ROOT}<a xml:lang="nl"></a></dossier>`,
      `${ROOT}<a b="&amp;"></a></dossier>`,
      `${ROOT}<a b="x\ty"></a></dossier>`,
      '<dossier></dossier>',
      '<dossier xmlns="urn:other"></dossier>',
      `<dossier xmlns="${OSO_NAMESPACE}" a="1"></dossier>`,
    ];
    for (const xml of notPlain) expect([xml, canonical(xml)]).toEqual([xml, null]);
  });

  it('ends on any bytes, however cut or broken (it runs before libxml2 has judged them)', () => {
    const xml = `<?xml version="1.0"?>\n${ROOT}\n  <a b="1">t</a>\n  <c/>\n</dossier>\n`;
    for (let end = 0; end < xml.length; end++) {
      expect(() => canonical(xml.slice(0, end))).not.toThrow();
      expect(() => canonical(xml.slice(0, end) + xml.slice(end + 1))).not.toThrow();
    }
    expect(canonical('</dossier>')).toBeNull();
  });
});
