import { schemaValueTypes } from '../../../../test/support/dossier-fields';
import { BOOLEAN_ELEMENTS, DATE_ELEMENTS, formatBoolean, formatDate } from './field-values';

describe('field values', () => {
  it('knows exactly the date and boolean elements of schemas/oso-dossier-2019.1.xsd', () => {
    const { dates, booleans } = schemaValueTypes();
    expect([...DATE_ELEMENTS].sort()).toEqual([...dates].sort());
    expect([...BOOLEAN_ELEMENTS].sort()).toEqual([...booleans].sort());
  });

  it('writes xs:date the Dutch way and keeps a time zone', () => {
    expect(formatDate('2003-03-17')).toBe('17-03-2003');
    expect(formatDate('2003-03-17Z')).toBe('17-03-2003 Z');
    expect(formatDate('17-03-2003')).toBe('17-03-2003');
  });

  it('writes both lexical forms of xs:boolean as ja/nee', () => {
    expect([formatBoolean('true'), formatBoolean('1'), formatBoolean('false'), formatBoolean('0')]).toEqual([
      'ja',
      'ja',
      'nee',
      'nee',
    ]);
  });
});
