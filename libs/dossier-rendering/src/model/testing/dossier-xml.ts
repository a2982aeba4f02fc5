import { CATEGORY_ORDER } from '../../vocabulary';

/**
 * A small hand-made dossier for the specs: the parts given, the rest minimal. Not schema-checked (the
 * model reads validated versions; these only need the shape the specs look at).
 */
export function dossierXml(parts: {
  delivery?: Partial<Record<string, string>>;
  inzage?: string;
  schoolName?: string;
  pupil?: string;
}): Buffer {
  const table = CATEGORY_ORDER.map(
    (category) => `<${category}>${parts.delivery?.[category] ?? 'OPTIONEEL'}</${category}>`,
  ).join('');
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<dossier xmlns="http://www.edustandaard.nl/oso_gegevensset/2019/dossier">
  <metadata><deeldossier>LAS</deeldossier><pakketnaam>Spec</pakketnaam><pakketversie>1</pakketversie>
    <datum>2024-05-23</datum><standaardversie>2019.1</standaardversie><validatieversie>2019.1.1</validatieversie>
    <categorie_uitlevering>${table}</categorie_uitlevering><overstap>POVO</overstap></metadata>
  <overdrachtsoort>overstapdossier</overdrachtsoort>
  ${parts.inzage ?? ''}
  <huidigeschool><naam>${parts.schoolName ?? 'De Spechtschool'}</naam><brincode>02BE</brincode>
    <vestigingscode>02</vestigingscode><aanleverpunt>1</aanleverpunt>
    <leerling>${parts.pupil ?? '<voornaam>Noor</voornaam><achternaam>Prins</achternaam>'}</leerling>
  </huidigeschool>
</dossier>`,
    'utf8',
  );
}

/** A `document` with this content (base64-encoded here unless `base64` gives the text itself). */
export function documentXml(name: string, content: Buffer | null, base64?: string): string {
  return (
    `<document><bestandsnaam>${name}</bestandsnaam><omschrijving>Omschrijving van ${name}</omschrijving>` +
    `<bestandsinhoud>${base64 ?? content!.toString('base64')}</bestandsinhoud></document>`
  );
}
