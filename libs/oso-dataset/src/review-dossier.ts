import { DossierElement, at, pathOf, textAt } from './dossier-element';
import { DossierFacts, DossierFinding } from './dossier-verdict';
import { FindingList } from './finding-list';
import { DossierTree, lineAt, linesOf } from './read-dossier-tree';
import { attachmentsOf } from './rules/attachment.rules';
import { rulesFor } from './rules/all-rules';
import { ALL_CATEGORIES, CATEGORY_BLOCKS } from './rules/category.rules';
import { RuleSet } from './rules/dossier-rule';
import { DossierUnderReview } from './rules/dossier-under-review';

/**
 * A rule message without the dossier's values (a value may be personal data): rule messages put the
 * values they speak of in double quotes, and some name a date or the breaking element's own text
 * plainly; each is replaced by "…". The path and the rule say where and what.
 */
export function withoutValues(message: string, element: DossierElement | null = null): string {
  let text = message.indexOf('"') === -1 ? message : message.replace(/"[^"]*"/g, '"…"');
  text = text.replace(ISO_DATE, '…');
  const value = element?.text.trim();
  // Shorter texts (a digit, a letter) would cut words of the message itself.
  if (value && value.length >= 3 && text.includes(value)) text = text.split(value).join('…');
  return text;
}

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;

/** Runs the business rules of a rule set over a schema-valid dossier tree; lists at most MAX_FINDINGS. */
export function applyRules(
  bytes: Buffer,
  root: DossierElement,
  ruleSet: RuleSet,
  today: string,
  /** The reader's element indexes for this tree (`readDossierIndexed`), saving the rules a walk. */
  index?: Pick<DossierTree, 'all' | 'byName'>,
): {
  errors: DossierFinding[];
  warnings: DossierFinding[];
  findingsOmitted: number;
  dossier: DossierUnderReview;
} {
  const dossier = new DossierUnderReview(root, today, index);
  const findings = new FindingList();
  // A few findings are placed by scanning to them; past that the newlines are indexed once.
  let placed = 0;
  let lineOf: ((offset: number) => number) | null = null;
  const line = (offset: number): number =>
    ++placed <= 8 ? lineAt(bytes, offset) : (lineOf ??= linesOf(bytes))(offset);
  for (const rule of rulesFor(ruleSet, dossier.bundle)) {
    for (const breach of rule.check(dossier)) {
      findings.add(rule.severity, () => {
        const element = typeof breach.at === 'string' ? null : breach.at;
        return {
          rule: rule.id,
          path: element ? pathOf(element) : (breach.at as string),
          ...(element ? { line: line(element.offset) } : {}),
          message: withoutValues(breach.en, element),
          messageNl: withoutValues(breach.nl, element),
        };
      });
    }
  }
  return { ...findings.finish(), dossier };
}

/** The categories with data in the dossier: school and pupil are its core, the others by their blocks. */
function heldCategories(dossier: DossierUnderReview): string[] {
  const core: Record<string, DossierElement | null> = {
    cat_school: dossier.school,
    cat_leerling: dossier.leerling,
  };
  return ALL_CATEGORIES.filter((category) =>
    category in core ? core[category] !== null : (CATEGORY_BLOCKS[category]?.(dossier).length ?? 0) > 0,
  );
}

/** The facts the broker uses (profile, pupil key, inzage, categories, attachments). */
export function dossierFacts(
  dossier: DossierUnderReview,
  contentHash: string,
  inzageBasisHash = '',
): DossierFacts {
  const inzage = dossier.inzage;
  const table = at(dossier.metadata, 'categorie_uitlevering');
  return {
    profile: dossier.overstap,
    overdrachtsoort: dossier.overdrachtsoort,
    sendingSector: dossier.sendingSector,
    school: { brin: textAt(dossier.school, 'brincode'), vestiging: textAt(dossier.school, 'vestigingscode') },
    pupil: {
      bsn: textAt(dossier.leerling, 'bsn'),
      onderwijsnummer: textAt(dossier.leerling, 'onderwijsnummer'),
      geboortedatum: textAt(dossier.leerling, 'geboortedatum'),
    },
    inzage: inzage
      ? {
          voorlopigdossier: textAt(inzage, 'voorlopigdossier'),
          inzage: textAt(inzage, 'inzage'),
          inzagedatum: textAt(inzage, 'inzagedatum'),
          akkoord: textAt(inzage, 'akkoord'),
          redennietakkoord: textAt(inzage, 'redennietakkoord'),
          toestemming: textAt(inzage, 'toestemming'),
        }
      : null,
    categories: Object.fromEntries((table?.children ?? []).map((entry) => [entry.name, entry.text.trim()])),
    heldCategories: heldCategories(dossier),
    attachments: attachmentsOf(dossier).map((attachment) => ({
      path: pathOf(attachment.element),
      fileName: attachment.name,
      bytes: attachment.size ?? 0,
    })),
    contentHash,
    inzageBasisHash,
  };
}
