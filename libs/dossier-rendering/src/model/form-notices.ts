/** The Dutch sentences the model puts in place of what a form leaves out, or of what is absent. */

/** In place of an attachment in the form without special categories: no file name (it can be health data). */
export const ATTACHMENT_LEFT_OUT =
  'Bijlage weggelaten: deze weergave toont geen bijlagen (zij kunnen bijzondere persoonsgegevens bevatten).';

/** In place of another verzorger's addresses and contact details in the inzage copy for one verzorger. */
export const CONTACT_DETAILS_LEFT_OUT =
  'Adressen en contactgegevens van deze verzorger zijn weggelaten in dit inzage-exemplaar voor een andere verzorger.';

/** For cat_onderwijsondersteuning and cat_handelingsplannen in the form without special categories. */
export const SPECIAL_CATEGORY_LEFT_OUT =
  'Weggelaten in deze weergave: deze categorie kan gezondheidsgegevens, diagnoses of ondersteuningsplannen ' +
  'bevatten (bijzondere persoonsgegevens), die alleen medewerkers zien die ze voor hun taak nodig hebben.';

export const WITHOUT_SPECIAL_CATEGORIES_NOTICE =
  'Deze weergave laat de bijzondere persoonsgegevens weg: de onderwijsondersteuning (met onder meer ' +
  'diagnoses en medicijngebruik), de handelingsplannen en alle bijlagen. Zij is bedoeld voor medewerkers ' +
  'die alleen de overige gegevens nodig hebben.';

export function forVerzorgerNotice(position: number): string {
  return (
    `Inzage-exemplaar voor verzorger ${position} in het dossier: de adressen en contactgegevens van de ` +
    'andere verzorgers zijn weggelaten. De overige inhoud is gelijk aan die van het volledige dossier.'
  );
}

/** For an allowed category the dossier holds no data of. */
export const EMPTY_SECTION_NOTICE = 'Het dossier bevat geen gegevens in deze categorie.';

/** In the inzage section, whose content the page shows first (the zienswijze). */
export const INZAGE_SHOWN_ABOVE =
  'De inzage en de zienswijze van ouders of leerling staan bovenaan deze weergave.';

export const ZIENSWIJZE_HEADING = 'Inzage en zienswijze van ouders, verzorgers of leerling';
