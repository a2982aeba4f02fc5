import { OSO_NAMESPACE, OSO_STANDAARDVERSIE, OSO_VALIDATIEVERSIE } from '../oso-standard';
import { ALL_CATEGORIES } from '../rules/category.rules';
import { DossierPlan, sends } from './dossier-plan';
import { huidigeschool } from './school-and-pupil';
import { PARENT_OBJECTIONS } from './vocabulary';
import { XmlNode, el, leaf } from './xml-node';

/** Our LAS's name in metadata/pakketnaam: a generated dossier says that it is one. */
export const GENERATOR_PACKAGE = 'oso-broker dossiergenerator';
export const GENERATOR_VERSION = '1';

/** The whole dossier as a tree, in the schema's order. */
export function dossierTree(plan: DossierPlan): XmlNode {
  const root = el(
    'dossier',
    el(
      'metadata',
      leaf('deeldossier', 'LAS'),
      leaf('pakketnaam', GENERATOR_PACKAGE),
      leaf('pakketversie', GENERATOR_VERSION),
      leaf('datum', plan.datum),
      leaf('standaardversie', OSO_STANDAARDVERSIE),
      leaf('validatieversie', OSO_VALIDATIEVERSIE),
      el(
        'categorie_uitlevering',
        ...ALL_CATEGORIES.map((category) => leaf(category, plan.categories[category])),
      ),
      leaf('overstap', plan.facts.profile),
    ),
    leaf('overdrachtsoort', plan.kind),
    sends(plan.categories.cat_ouderinzage) ? inzage(plan) : null,
    huidigeschool(plan),
  );
  root.attributes = { xmlns: OSO_NAMESPACE };
  return root;
}

function inzage(plan: DossierPlan): XmlNode {
  const { inzage: asked } = plan;
  const random = plan.random.fork('inzage-text');
  const remarks = asked.remarks === true ? random.pick(PARENT_OBJECTIONS) : asked.remarks;
  return el(
    'inzage',
    leaf('voorlopigdossier', asked.voorlopig),
    leaf('inzage', asked.inzage),
    leaf('inzagedatum', asked.datum),
    leaf('akkoord', asked.akkoord),
    leaf('redennietakkoord', remarks),
    leaf('toestemming', asked.toestemming),
  );
}
