/**
 * Labels for names that mean different things in different places, keyed `parent/name` (the element's own
 * parent decides). Where no override matches, the plain label by name applies.
 */
export const CONTEXT_LABELS: Readonly<Record<string, string>> = {
  // naam: of an organisation, a diagnosis, a report card or one of its subjects
  'instelling/naam': 'Naam instelling',
  'aansprakelijkeinstelling/naam': 'Naam instelling',
  'school/naam': 'Naam school',
  'huidigeschool/naam': 'Naam school',
  'diagnose/naam': 'Naam diagnose',
  'cijferlijstTypelijst/naam': 'Naam cijferlijst',
  'onderdeel/naam': 'Vak of onderdeel',

  // datum: when the dossier was made, or when a diagnosis was made
  'metadata/datum': 'Datum aanmaak dossier',
  'diagnose/datum': 'Datum diagnose',

  'document/omschrijving': 'Omschrijving bijlage',
  'diagnose/code': 'Diagnose',

  // score and waarde: a report-card mark, or a test score against a comparison group
  'cijferlijstTypelijst/score': 'Cijfer',
  'onderdeel/score': 'Cijfer',
  'score/waarde': 'Cijfer of score',
  'referentiescore/waarde': 'Score',

  // soort, type, aanduiding and nummer: of a school, an address or a phone number / e-mail address
  'school/soort': 'Soort school',
  'huidigeschool/soort': 'Soort school',
  'school/type': 'Type school',
  'huidigeschool/type': 'Type school',
  'communicatie/soort': 'Soort (telefoon of e-mail)',
  'adres/aanduiding': 'Aanduiding bij het huisnummer',
  'communicatie/aanduiding': 'Gebruik (werk, privé of overig)',
  'adres/nummer': 'Huisnummer',
  'communicatie/nummer': 'Telefoonnummer of e-mailadres',

  // inzage: the block, and inside it whether the parents had inzage
  'inzage/inzage': 'Inzage gehad',

  // onderdeel: of a report card, or of the final test
  'cijferlijstTypelijst/onderdeel': 'Onderdeel',
  'onderdelen/onderdeel': 'Onderdeel eindtoets',

  // resultaat: of a whole test or of one of its parts
  'toets/resultaat': 'Resultaat toets',
  'toetsonderdeel/resultaat': 'Resultaat onderdeel',

  // dates of an internship, an action plan and a school year of the feedback
  'stage/begindatum': 'Begindatum stage',
  'stage/einddatum': 'Einddatum stage',
  'handelingsplan/einddatum': 'Einddatum handelingsplan',
  'handelingsplan/startdatum': 'Startdatum handelingsplan',

  // the school of the feedback, the organisation a test administrator works for
  'voschool/school': 'School voor voortgezet onderwijs',
  'werktbijinstelling/instelling': 'Instelling',
  'werktbijinstelling/school': 'School',
};
