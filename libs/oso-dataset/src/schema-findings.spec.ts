import { valueFreeSchemaMessage } from './schema-findings';

/** libxml2's schema messages, as it writes them, without the values they quote. */
describe('valueFreeSchemaMessage', () => {
  const NS = '{http://www.edustandaard.nl/oso_gegevensset/2019/dossier}';

  it.each([
    [
      `Element '${NS}geboortedatum': 'Jansen' is not a valid value of the atomic type 'xs:date'.\n`,
      "Element 'geboortedatum': The value is not a valid value of the atomic type 'xs:date'.",
    ],
    [
      `Element '${NS}bsn': [facet 'pattern'] The value 'Jansen' is not accepted by the pattern '[0-9]{9}'.`,
      "Element 'bsn': [facet 'pattern'] The value is not accepted by the pattern '[0-9]{9}'.",
    ],
    [
      `Element '${NS}soort': [facet 'enumeration'] The value 'O'Jansen' is not an element of the set {'A', 'B'}.`,
      "Element 'soort': [facet 'enumeration'] The value is not an element of the set {'A', 'B'}.",
    ],
    [
      `Element '${NS}cijfer': [facet 'maxInclusive'] The value '99' is greater than the maximum value allowed ('10').`,
      "Element 'cijfer': [facet 'maxInclusive'] The value is greater than the maximum value allowed ('10').",
    ],
    [
      `Element '${NS}x', attribute 'y': 'Jansen' is not a valid value of the atomic type 'xs:boolean'.`,
      "Element 'x', attribute 'y': The value is not a valid value of the atomic type 'xs:boolean'.",
    ],
    [
      `Element '${NS}x', attribute 'onbekend': The attribute 'onbekend' is not allowed.`,
      "Element 'x', attribute 'onbekend': The attribute 'onbekend' is not allowed.",
    ],
    [
      `Element '${NS}naam': [facet 'maxLength'] The value has a length of '300'; this exceeds the allowed maximum length of '200'.`,
      "Element 'naam': [facet 'maxLength'] The value has a length of '300'; this exceeds the allowed maximum length of '200'.",
    ],
    [
      `Element '${NS}x': Duplicate key-sequence ['Jansen'] in unique identity-constraint 'k'.`,
      "Element 'x': a key or uniqueness constraint is broken.",
    ],
    [
      `Element '${NS}roepnaam', attribute '{http://www.w3.org/2001/XMLSchema-instance}type': The QName value 'Piet_Jansen' of the xsi:type attribute does not resolve to a type definition.`,
      "Element 'roepnaam', attribute '{http://www.w3.org/2001/XMLSchema-instance}type': The QName value of the xsi:type attribute does not resolve to a type definition.",
    ],
    ['Something libxml2 says about Jansen', 'The dossier does not match the OSO 2019.1 schema.'],
  ])('%s', (raw, expected) => {
    expect(valueFreeSchemaMessage(raw)).toBe(expected);
  });

  it('keeps a value that itself looks like the end of one out', () => {
    const message = valueFreeSchemaMessage(
      `Element 'a': [facet 'pattern'] The value 'x' is not y' is not accepted by the pattern '[0-9]+'.`,
    );
    expect(message).toBe("Element 'a': [facet 'pattern'] The value is not accepted by the pattern '[0-9]+'.");
  });
});
