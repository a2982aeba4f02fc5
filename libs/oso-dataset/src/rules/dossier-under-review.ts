import { DossierElement, at, textAt } from '../dossier-element';
import { SendingSector, sendingSectorOf } from '../oso-standard';

/**
 * The official validator comes in two bundles: one for transfers between schools (overstapdossier and
 * overdrachtbinnenbrin, "OV") and one for requests to a samenwerkingsverband ("PaO"). The profile
 * decides which bundle judges a dossier; each bundle then refuses a kind of transfer that is not its own.
 */
export type RuleBundle = 'OV' | 'PaO';

/** The dossier as the rules see it: the tree plus the few facts many rules need, read once. */
export class DossierUnderReview {
  readonly metadata: DossierElement | null;
  readonly inzage: DossierElement | null;
  readonly school: DossierElement | null;
  readonly leerling: DossierElement | null;
  readonly overstap: string;
  readonly overdrachtsoort: string;
  readonly sendingSector: SendingSector;
  readonly bundle: RuleBundle;

  constructor(
    readonly root: DossierElement,
    /** The day the verdict is given (dates in the dossier must not lie after it). */
    readonly today: string,
    /** The element indexes, when the tree reader built them in its pass; otherwise built on first use. */
    index?: { all: DossierElement[]; byName: Map<string, DossierElement[]> },
  ) {
    if (index) {
      this.elements = index.all;
      this.byName = index.byName;
    }
    this.metadata = at(root, 'metadata');
    this.inzage = at(root, 'inzage');
    this.school = at(root, 'huidigeschool');
    this.leerling = at(root, 'huidigeschool', 'leerling');
    this.overstap = textAt(root, 'metadata', 'overstap') ?? '';
    this.overdrachtsoort = textAt(root, 'overdrachtsoort') ?? '';
    this.sendingSector = sendingSectorOf(this.overstap);
    this.bundle = this.overstap === 'POSWV' || this.overstap === 'VOSWV' ? 'PaO' : 'OV';
  }

  /** Judged by the OV bundle as a transfer to another school (the OVa rules). */
  get isOverstapdossier(): boolean {
    return this.bundle === 'OV' && this.overdrachtsoort === 'overstapdossier';
  }

  /** Judged by the OV bundle as a transfer within the same BRIN (the OVb rules). */
  get isBinnenBrin(): boolean {
    return this.bundle === 'OV' && this.overdrachtsoort === 'overdrachtbinnenbrin';
  }

  /** Judged by the PaO bundle as a request to a samenwerkingsverband (the PaO rules). */
  get isSwvDossier(): boolean {
    return this.bundle === 'PaO' && this.overdrachtsoort === 'swv-dossier';
  }

  private elements: DossierElement[] | null = null;
  private byName: Map<string, DossierElement[]> | null = null;

  /** Every element with this local name, document order; indexed once for the rules that scan by name. */
  elementsNamed(name: string): readonly DossierElement[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const element of this.allElements()) {
        const list = this.byName.get(element.name);
        if (list) list.push(element);
        else this.byName.set(element.name, [element]);
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** Every element in document order, computed once for the rules that scan the whole dossier. */
  allElements(): DossierElement[] {
    if (!this.elements) {
      const all: DossierElement[] = [];
      const visit = (node: DossierElement) => {
        all.push(node);
        node.children.forEach(visit);
      };
      visit(this.root);
      this.elements = all;
    }
    return this.elements;
  }

  private readonly derivations = new Map<object, unknown>();

  /**
   * A value computed from the dossier once and shared by the rules (and facts) that need it, such as
   * the decoded attachments. Kept on the dossier, not in a module-level WeakMap keyed by it: with such
   * a WeakMap every dossier's tree survived V8's young-generation collections (measured: half of what
   * they copied), and collection took a quarter of the validation time.
   */
  derived<T>(key: object, compute: (dossier: DossierUnderReview) => T): T {
    if (this.derivations.has(key)) return this.derivations.get(key) as T;
    const value = compute(this);
    this.derivations.set(key, value);
    return value;
  }

  /** Value of a `categorie_uitlevering` entry (`VERPLICHT`, `OPTIONEEL`, `VERBODEN`, `OPT-UIT`), or null. */
  category(name: string): string | null {
    return textAt(this.metadata, 'categorie_uitlevering', name);
  }
}
