import { DossierElement, at } from '../dossier-element';
import { DossierUnderReview, RuleBundle } from './dossier-under-review';
import { DossierRule, RuleBreach, RuleFamily } from './dossier-rule';

/**
 * Most of the standard's rules say "in this kind of dossier, this block must (or must not) hold that
 * field". These builders keep each such rule to its id, its scope and its sentence; the sentence is
 * both the rule's summary and the message a vendor sees, next to the path it points at.
 */
interface PresenceRuleSpec {
  id: string;
  family: RuleFamily;
  /** The official validator's bundles that run the rule (see `DossierRule.officialIn`). */
  officialIn: readonly RuleBundle[];
  /** Which dossiers the rule judges (kind of transfer, profile). */
  appliesTo: (dossier: DossierUnderReview) => boolean;
  /** The blocks the rule looks inside, e.g. the pupil; absent blocks are skipped. */
  within: (dossier: DossierUnderReview) => ReadonlyArray<DossierElement | null>;
  /** Optional extra condition on the block, e.g. "the address is secret". */
  when?: (block: DossierElement) => boolean;
  en: string;
  nl: string;
}

/** Breached by a block (that `when` holds for) in which none of the child paths is present. */
export function mustHold(spec: PresenceRuleSpec & { anyOf: string[][] }): DossierRule {
  return presenceRule(spec, (block) =>
    spec.anyOf.some((path) => at(block, ...path) !== null) ? [] : [block],
  );
}

/** Breached by every element at any of the child paths inside a block (that `when` holds for). */
export function mustNotHold(spec: PresenceRuleSpec & { paths: string[][] }): DossierRule {
  return presenceRule(spec, (block) => spec.paths.flatMap((path) => elementsAt(block, path)));
}

function presenceRule(
  spec: PresenceRuleSpec,
  offenders: (block: DossierElement) => DossierElement[],
): DossierRule {
  return {
    id: spec.id,
    family: spec.family,
    severity: 'error',
    officialIn: spec.officialIn,
    summary: { en: spec.en, nl: spec.nl },
    check: (dossier) => {
      if (!spec.appliesTo(dossier)) return [];
      const breaches: RuleBreach[] = [];
      for (const block of spec.within(dossier)) {
        if (!block || (spec.when && !spec.when(block))) continue;
        for (const element of offenders(block)) breaches.push({ at: element, en: spec.en, nl: spec.nl });
      }
      return breaches;
    },
  };
}

/** Every element reached by following the child names, all branches (adreslijst/adres[1..n]). */
export function elementsAt(block: DossierElement, path: readonly string[]): DossierElement[] {
  let level: DossierElement[] = [block];
  for (const name of path) level = level.flatMap((node) => node.children.filter((c) => c.name === name));
  return level;
}

/** The XSD boolean true, as the official validator reads it (`true` or `1`, whitespace collapsed). */
export function isTrue(element: DossierElement | null | undefined): boolean {
  const value = element?.text.trim();
  return value === 'true' || value === '1';
}

/** The child's boolean value is true. */
export function flagged(block: DossierElement | null | undefined, name: string): boolean {
  return isTrue(at(block, name));
}

/** A breach at a fixed path, for a rule about something missing that has no element to point at. */
export function missingAt(path: string, en: string, nl: string): RuleBreach {
  return { at: path, en, nl };
}

/** The three kinds of transfer the official rules distinguish, with the prefix of their rule ids. */
export interface TransferKind {
  prefix: 'OVa' | 'OVb' | 'PaO';
  /** The official validator's bundle that holds this kind's rules. */
  bundle: RuleBundle;
  applies: (dossier: DossierUnderReview) => boolean;
  en: string;
  nl: string;
}

export const OVERSTAPDOSSIER: TransferKind = {
  prefix: 'OVa',
  bundle: 'OV',
  applies: (dossier) => dossier.isOverstapdossier,
  en: 'an overstapdossier',
  nl: 'een overstapdossier',
};
export const BINNEN_BRIN: TransferKind = {
  prefix: 'OVb',
  bundle: 'OV',
  applies: (dossier) => dossier.isBinnenBrin,
  en: 'an overdrachtbinnenbrin',
  nl: 'een overdrachtbinnenbrin',
};
export const SWV_DOSSIER: TransferKind = {
  prefix: 'PaO',
  bundle: 'PaO',
  applies: (dossier) => dossier.isSwvDossier,
  en: 'a swv-dossier',
  nl: 'een swv-dossier',
};

/** The scopes most rules look in: the pupil (huidigeschool/leerling), and every verzorger. */
export const thePupil = (dossier: DossierUnderReview) => [dossier.leerling];
export const everyVerzorger = (dossier: DossierUnderReview) => dossier.elementsNamed('verzorger');
