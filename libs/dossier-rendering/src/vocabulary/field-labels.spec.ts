import { GENERATABLE_PROFILES, generateDossier, readDossierTree } from '@app/oso-dataset';
import { describeOnOfficialExamples, officialExampleFiles } from '../../../../test/support/official-examples';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CONTEXT_LABELS } from './label-overrides';
import { FIELD_LABELS, fieldLabel, readableName } from './field-labels';
import { PEOPLE_AND_SCHOOL_LABELS } from './labels-people-and-school';
import { SUPPORT_AND_RESULTS_LABELS } from './labels-support-and-results';
import {
  allElements,
  elementIn,
  looksLikeALabel,
  schemaElementNames,
} from './testing/vocabulary-test-support';

const SCHEMA_NAMES = schemaElementNames();

describe('field labels, against our schema', () => {
  it('reads the schema (a sanity check on the name scan)', () => {
    expect(SCHEMA_NAMES.length).toBeGreaterThan(250);
    expect(SCHEMA_NAMES).toEqual(expect.arrayContaining(['dossier', 'voorletters-1', 'redennietakkoord']));
  });

  it('has its own label for every element name the schema declares', () => {
    const missing = SCHEMA_NAMES.filter((name) => !Object.hasOwn(FIELD_LABELS, name));
    expect(missing).toEqual([]);
  });

  it('gives labels that read as Dutch text, not technical names', () => {
    const technical = Object.entries({ ...FIELD_LABELS, ...CONTEXT_LABELS }).filter(
      ([, label]) => !looksLikeALabel(label),
    );
    expect(technical).toEqual([]);
  });

  it('labels no name in both tables (one would silently win)', () => {
    const twice = Object.keys(PEOPLE_AND_SCHOOL_LABELS).filter((name) =>
      Object.hasOwn(SUPPORT_AND_RESULTS_LABELS, name),
    );
    expect(twice).toEqual([]);
  });

  it('has no label for a name the schema does not declare (a typo would never be used)', () => {
    const unknown = Object.keys(FIELD_LABELS).filter((name) => !SCHEMA_NAMES.includes(name));
    expect(unknown).toEqual([]);
    const unknownContexts = Object.keys(CONTEXT_LABELS).filter((key) =>
      key.split('/').some((name) => !SCHEMA_NAMES.includes(name)),
    );
    expect(unknownContexts).toEqual([]);
  });

  it('uses the labels the brief names for the common fields', () => {
    const label = (xml: string, name: string) => fieldLabel(elementIn(xml, name));
    expect(label('<leerling><achternaam>X</achternaam></leerling>', 'achternaam')).toBe('Achternaam');
    expect(label('<leerling><voorletters-1>X</voorletters-1></leerling>', 'voorletters-1')).toBe(
      'Voorletters',
    );
    expect(label('<leerling><adresgeheim>true</adresgeheim></leerling>', 'adresgeheim')).toBe('Adres geheim');
    expect(label('<inzage><inzagedatum>2024-01-01</inzagedatum></inzage>', 'inzagedatum')).toBe(
      'Datum inzage',
    );
    expect(label('<inzage><redennietakkoord>X</redennietakkoord></inzage>', 'redennietakkoord')).toBe(
      'Reden niet akkoord (zienswijze)',
    );
  });
});

describe('field labels in context', () => {
  const label = (xml: string, name: string) => fieldLabel(elementIn(xml, name));

  it('names a school, an institution, a diagnosis, a report card and its subjects differently', () => {
    expect(label('<huidigeschool><naam>X</naam></huidigeschool>', 'naam')).toBe('Naam school');
    expect(label('<instelling><naam>X</naam></instelling>', 'naam')).toBe('Naam instelling');
    expect(label('<diagnose><naam>X</naam></diagnose>', 'naam')).toBe('Naam diagnose');
    expect(label('<cijferlijstTypelijst><naam>X</naam></cijferlijstTypelijst>', 'naam')).toBe(
      'Naam cijferlijst',
    );
    expect(
      label('<cijferlijstTypelijst><onderdeel><naam>X</naam></onderdeel></cijferlijstTypelijst>', 'naam'),
    ).toBe('Vak of onderdeel');
  });

  it('tells the dossier date from a diagnosis date', () => {
    expect(label('<metadata><datum>2024-01-01</datum></metadata>', 'datum')).toBe('Datum aanmaak dossier');
    expect(label('<diagnose><datum>2024-01-01</datum></diagnose>', 'datum')).toBe('Datum diagnose');
  });

  it('tells a house number from a phone number, and their kinds and markings', () => {
    expect(label('<adres><nummer>1</nummer></adres>', 'nummer')).toBe('Huisnummer');
    expect(label('<communicatie><nummer>1</nummer></communicatie>', 'nummer')).toBe(
      'Telefoonnummer of e-mailadres',
    );
    expect(label('<adres><aanduiding>TO</aanduiding></adres>', 'aanduiding')).toBe(
      'Aanduiding bij het huisnummer',
    );
    expect(label('<huidigeschool><soort>BAS</soort></huidigeschool>', 'soort')).toBe('Soort school');
    expect(label('<communicatie><soort>e-mail</soort></communicatie>', 'soort')).toBe(
      'Soort (telefoon of e-mail)',
    );
  });

  it('tells the inzage block from the fact of inzage inside it', () => {
    const xml = '<dossier><inzage><inzage>true</inzage></inzage></dossier>';
    const block = elementIn(xml, 'inzage');
    expect(fieldLabel(block)).toBe('Inzage door ouders');
    expect(fieldLabel(block.children[0])).toBe('Inzage gehad');
  });

  it('falls back to the plain label where no context applies', () => {
    expect(label('<toets><opmerking>X</opmerking></toets>', 'opmerking')).toBe('Opmerking');
    expect(label('<verzorger><naam>X</naam></verzorger>', 'naam')).toBe('Naam');
  });

  it('makes a readable label of a name outside the schema', () => {
    expect(readableName('soort_arrangement')).toBe('Soort arrangement');
    expect(readableName('voorletters-2')).toBe('Voorletters 2');
    expect(label('<leerling><nieuwveld>X</nieuwveld></leerling>', 'nieuwveld')).toBe('Nieuwveld');
  });
});

describeOnOfficialExamples('field labels, on every official example', () => {
  it.each(officialExampleFiles().map((file) => [basename(file), file]))('%s', (_name, file) => {
    const elements = allElements(readDossierTree(readFileSync(file)));
    expect(elements.length).toBeGreaterThan(50);
    const unlabelled = elements.filter(
      (element) => !Object.hasOwn(FIELD_LABELS, element.name) || !looksLikeALabel(fieldLabel(element)),
    );
    expect(unlabelled.map((element) => element.name)).toEqual([]);
  });
});

describe('field labels, on our generated dossiers', () => {
  it.each(GENERATABLE_PROFILES.map((profile) => [profile]))('%s', (profile) => {
    const xml = generateDossier({ profile, attachments: { count: 1, bytesEach: 64 } }).xml;
    const elements = allElements(readDossierTree(Buffer.from(xml, 'utf8')));
    const unlabelled = elements.filter(
      (element) => !Object.hasOwn(FIELD_LABELS, element.name) || !looksLikeALabel(fieldLabel(element)),
    );
    expect(unlabelled.map((element) => element.name)).toEqual([]);
  });
});
