import { endsWithPath, pathOf } from '../dossier-element';
import { CODE_LISTS, CodeList } from '../codelists';
import { BOTH_BUNDLES, DossierRule, RuleBreach } from './dossier-rule';

function codeListRule(list: CodeList): DossierRule {
  const allowed = new Set(list.codes);
  const lastNames = [...new Set(list.fields.map((field) => field.suffix[field.suffix.length - 1]))];
  return {
    id: `OSO.CL.${String(list.list).padStart(2, '0')}`,
    family: 'codelists',
    severity: 'error',
    // The official shared part checks every code list over the whole dossier, in both bundles.
    officialIn: BOTH_BUNDLES,
    summary: {
      en: `${list.fields.map((field) => field.label).join(', ')}: a code from code list ${list.list}.`,
      nl: `${list.fields.map((field) => field.label).join(', ')}: een code uit codelijst ${list.list}.`,
    },
    check: (dossier) => {
      const breaches: RuleBreach[] = [];
      // Plain loops: this runs for every list on every dossier, and is most of the rules' time.
      for (const name of lastNames) {
        for (const element of dossier.elementsNamed(name)) {
          // Exact, like the official check: a code padded with spaces is not the code.
          const value = element.text;
          if (allowed.has(value)) continue;
          const field = list.fields.find((candidate) => endsWithPath(element, candidate.suffix));
          if (!field) continue;
          breaches.push({
            at: element,
            en: `${pathOf(element)} holds "${value}", which is not in code list ${list.list} (${field.label}).`,
            nl: `${pathOf(element)} bevat "${value}", dat niet in codelijst ${list.list} (${field.label}) staat.`,
          });
        }
      }
      return breaches;
    },
  };
}

export const CODE_LIST_RULES: DossierRule[] = CODE_LISTS.map(codeListRule);
