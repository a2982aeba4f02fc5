import { DossierPlan } from './dossier-plan';
import { FILLER_WORDS } from './vocabulary';
import { XmlNode, el, leaf, list } from './xml-node';

const DESCRIPTIONS = ['Verslag leerlingbespreking', 'Gespreksverslag met ouders', 'Observatie in de groep'];

/**
 * Plain-text attachments of exactly `bytesEach` bytes: one seeded paragraph, repeated to the size.
 * Repeating keeps multi-megabyte attachments cheap to make; the content is filler, not a report.
 */
export function attachmentList(plan: DossierPlan): XmlNode | null {
  const { count, bytesEach } = plan.attachments;
  const random = plan.random.fork('attachments');
  const documents: XmlNode[] = [];
  for (let index = 1; index <= count; index++) {
    const words: string[] = [];
    for (let word = 0; word < 40; word++) words.push(random.pick(FILLER_WORDS));
    const paragraph = `${words.join(' ')}.\n`;
    documents.push(
      el(
        'document',
        leaf('bestandsnaam', `bijlage-${index}.txt`),
        leaf('omschrijving', DESCRIPTIONS[(index - 1) % DESCRIPTIONS.length]),
        leaf('bestandsinhoud', Buffer.alloc(bytesEach, paragraph).toString('base64')),
      ),
    );
  }
  return list('overigdocumentlijst', documents);
}
