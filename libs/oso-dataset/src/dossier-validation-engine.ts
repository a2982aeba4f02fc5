import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MAX_DOSSIER_BYTES, checkDossierInput } from './dossier-input';
import { DossierShapeError, schemaLocationProblem } from './dossier-shape';
import { DossierFinding, DossierVerdict } from './dossier-verdict';
import { FindingList } from './finding-list';
import { CanonicalBytes, CanonicalOutput, canonicalHashes } from './canonical-bytes';
import { OSO_NAMESPACE, OSO_STANDAARDVERSIE } from './oso-standard';
import { plainCanonicalForm } from './plain-canonical-form';
import { DossierTree, readDossierIndexed } from './read-dossier-tree';
import { applyRules, dossierFacts } from './review-dossier';
import { RuleSet } from './rules/dossier-rule';
import { at, textAt } from './dossier-element';
import { Libxml2Internals, SchemaChecker } from './schema-findings';

/** The parts of libxml2-wasm this engine uses (the package is ESM-only; its types are not importable here). */
interface Libxml2 {
  XmlDocument: {
    fromBuffer(source: Uint8Array, options?: { url?: string; option?: number }): Libxml2Document;
  };
  XsdValidator: { fromDoc(document: Libxml2Document): { _ptr: number } };
  ParseOption: Record<string, number>;
  XmlC14NMode: { XML_C14N_EXCLUSIVE_1_0: number };
}
interface Libxml2Document {
  /** libxml2's xmlDocPtr. */
  _ptr: number;
  root: { name: string; namespaceUri: string };
  canonicalize(output: CanonicalOutput, options?: { mode?: number; withComments?: boolean }): void;
  dispose(): void;
}
interface Libxml2Error {
  message: string;
  details?: Array<{ message: string; line?: number }>;
}

export const SCHEMA_FILE_NAME = 'oso-dossier-2019.1.xsd';

/** Finds the project's schema folder from wherever this file runs (sources, dist, or an image). */
export function defaultSchemaPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'schemas', SCHEMA_FILE_NAME);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`schemas/${SCHEMA_FILE_NAME} not found above ${__dirname}`);
}

export interface ValidationOptions {
  ruleSet?: RuleSet;
  /** The day to judge dates against (YYYY-MM-DD); default today (UTC). */
  today?: string;
  maxBytes?: number;
  /**
   * Compute `facts.contentHash` (exclusive C14N + SHA-256). The broker needs it when staging; a plain
   * validity check does not, and canonicalising costs about as much as the rest of the validation.
   */
  withContentHash?: boolean;
}

/**
 * Whether libxml2 may leave out whitespace-only text next to child elements (XML_PARSE_NOBLANKS),
 * sparing it a node per line of layout (about an eighth of its parse and schema time on the example).
 *
 * The schema verdict stays the same: libxml2 drops such a run only when it is followed by `<` (or a
 * carriage return) and the element has, or is about to get, a child that is not text. Without
 * comments, processing instructions, CDATA sections or carriage returns in the document (`plain`, and
 * no byte 13), that child can only be an element, so the run stands in element content, where the
 * schema ignores whitespace (or in a simple type that an element child makes invalid anyway). Text of
 * simple types, whitespace-only included, is kept as it is. The canonical form for the content hash
 * includes the layout: a dossier staged with a hash is read in full, unless its canonical form was
 * written from its bytes (plainCanonicalForm), without libxml2's tree.
 */
function layoutIsIgnorable(
  tree: DossierTree,
  bytes: Buffer,
  options: ValidationOptions,
  canonical: Buffer | null,
): boolean {
  return tree.plain && (!options.withContentHash || canonical !== null) && bytes.indexOf(13) === -1;
}

const DAY_MS = 24 * 60 * 60 * 1000;
let cachedDay = { number: -1, text: '' };

/** Today's date (UTC, YYYY-MM-DD), formatted once a day rather than for every dossier. */
function todayUtc(): string {
  const number = Math.floor(Date.now() / DAY_MS);
  if (number !== cachedDay.number) {
    cachedDay = { number, text: new Date(number * DAY_MS).toISOString().slice(0, 10) };
  }
  return cachedDay.text;
}

function finding(rule: string, message: string, messageNl: string, line?: number): DossierFinding {
  return { rule, path: '/', ...(line ? { line } : {}), message, messageNl };
}

/**
 * Parses, schema-validates and applies the business rules to one dossier, in this thread. The schema
 * is compiled once. One libxml2 parse serves the schema (and the canonical hash of a dossier that is
 * not plain); the rules read a light tree built from the same bytes, and a plain dossier's canonical
 * form is written from its bytes (plainCanonicalForm).
 */
export class DossierValidationEngine {
  private constructor(
    private readonly libxml2: Libxml2,
    private readonly schema: SchemaChecker,
  ) {}

  static async load(schemaPath: string = defaultSchemaPath()): Promise<DossierValidationEngine> {
    // A real dynamic import: TypeScript would turn `import()` into require(), which cannot load this ESM package.
    const importEsm = new Function('specifier', 'return import(specifier)') as (
      s: string,
    ) => Promise<Libxml2>;
    const libxml2 = await importEsm('libxml2-wasm');
    // The package's own module behind its API, for a schema validation with our error handler.
    const internals = (await importEsm('libxml2-wasm/lib/libxml2.mjs')) as unknown as Libxml2Internals;
    const schemaDocument = libxml2.XmlDocument.fromBuffer(readFileSync(schemaPath), {
      url: `file://${resolve(schemaPath)}`,
    });
    const schema = libxml2.XsdValidator.fromDoc(schemaDocument);
    return new DossierValidationEngine(libxml2, new SchemaChecker(internals, schema._ptr));
  }

  validate(bytes: Buffer, options: ValidationOptions = {}): DossierVerdict {
    const ruleSet = options.ruleSet ?? 'strict';
    const refuse = (errors: DossierFinding[]): DossierVerdict => ({
      valid: false,
      ruleSet,
      profile: null,
      errors,
      warnings: [],
      findingsOmitted: 0,
      facts: null,
    });

    const inputProblem = checkDossierInput(bytes, options.maxBytes ?? DEFAULT_MAX_DOSSIER_BYTES);
    if (inputProblem) {
      return refuse([finding(inputProblem.code, inputProblem.message, inputProblem.message)]);
    }

    // Our tree first: besides serving the rules, it tells whether the layout may be left out below.
    // Bytes libxml2 will refuse may not be readable; a well-formed dossier always is.
    let tree: DossierTree | null = null;
    let unreadable: unknown = null;
    try {
      tree = readDossierIndexed(bytes);
    } catch (error) {
      // A shape past its limit is refused here, before libxml2 spends time and memory on it.
      if (error instanceof DossierShapeError)
        return refuse([finding(error.code, error.message, error.message)]);
      unreadable = error;
    }
    const location = tree && schemaLocationProblem(tree.withAttributes);
    if (location) return refuse([finding(location.code, location.message, location.message)]);

    // A plain dossier's canonical form comes from its bytes (the usual case); others' from libxml2's tree.
    const plainCanonical = options.withContentHash && tree ? plainCanonicalForm(bytes) : null;
    const { ParseOption } = this.libxml2;
    let document: Libxml2Document;
    try {
      document = this.libxml2.XmlDocument.fromBuffer(bytes, {
        // No network, no external entities, no entity substitution: the bytes are all there is.
        option:
          ParseOption.XML_PARSE_NONET |
          ParseOption.XML_PARSE_NO_XXE |
          ParseOption.XML_PARSE_NOERROR |
          ParseOption.XML_PARSE_NOWARNING |
          // Text nodes up to our own limit (DOSSIER_SHAPE_LIMITS.textCharacters, checked by the tree
          // reader above), not libxml2's 10,000,000 bytes, which a 7 MB attachment already passes.
          ParseOption.XML_PARSE_HUGE |
          // Small text nodes stored inline: fewer allocations in libxml2, same tree.
          ParseOption.XML_PARSE_COMPACT |
          (tree && layoutIsIgnorable(tree, bytes, options, plainCanonical)
            ? ParseOption.XML_PARSE_NOBLANKS
            : 0),
      });
    } catch (error) {
      const detail = (error as Libxml2Error).details?.[0];
      return refuse([
        finding(
          'DOSSIER_NOT_WELL_FORMED',
          `The dossier is not well-formed XML: ${(detail?.message ?? (error as Error).message).trim()}`,
          `Het dossier is geen welgevormde XML: ${(detail?.message ?? (error as Error).message).trim()}`,
          detail?.line,
        ),
      ]);
    }
    try {
      if (document.root.namespaceUri !== OSO_NAMESPACE || document.root.name !== 'dossier') {
        return refuse([
          finding(
            'DOSSIER_WRONG_NAMESPACE',
            // Neither the name nor the namespace found is repeated: both are the sender's text.
            `The root element must be dossier in namespace ${OSO_NAMESPACE}; this dossier's root element is another, or in another namespace.`,
            `Het hoofdelement moet dossier zijn in namespace ${OSO_NAMESPACE}.`,
          ),
        ]);
      }
      // libxml2 read it, so ours must have too: a failure here is a bug in our reader, not the input's.
      if (!tree) throw unreadable;
      const root = tree.root;
      // Exact, like the official check (OG.02): " 2019.1" is not the version.
      const version = at(root, 'metadata', 'standaardversie')?.text ?? null;
      if (version !== OSO_STANDAARDVERSIE) {
        return refuse([
          finding(
            'DOSSIER_WRONG_VERSION',
            `metadata/standaardversie must be ${OSO_STANDAARDVERSIE}: this broker accepts only OSO ${OSO_STANDAARDVERSIE}.`,
            `metadata/standaardversie moet ${OSO_STANDAARDVERSIE} zijn: deze broker accepteert alleen OSO ${OSO_STANDAARDVERSIE}.`,
          ),
        ]);
      }
      const schemaFindings = new FindingList();
      if (!this.schema.check(document._ptr, schemaFindings)) {
        return {
          ...refuse([]),
          ...schemaFindings.finish(),
          profile: textAt(root, 'metadata', 'overstap'),
        };
      }
      const today = options.today ?? todayUtc();
      const { errors, warnings, findingsOmitted, dossier } = applyRules(bytes, root, ruleSet, today, tree);
      const hashes = !options.withContentHash
        ? { contentHash: '', inzageBasisHash: '' }
        : plainCanonical
          ? canonicalHashes(plainCanonical)
          : this.canonicalHashes(document, bytes.length);
      return {
        valid: errors.length === 0,
        ruleSet,
        profile: dossier.overstap || null,
        errors,
        warnings,
        findingsOmitted,
        facts: dossierFacts(dossier, hashes.contentHash, hashes.inzageBasisHash),
      };
    } finally {
      document.dispose();
    }
  }

  /** Exclusive C14N without comments, as bytes straight into the hashes (see CanonicalBytes). */
  private canonicalHashes(document: Libxml2Document, size: number) {
    const canonical = new CanonicalBytes(size);
    document.canonicalize(canonical, {
      mode: this.libxml2.XmlC14NMode.XML_C14N_EXCLUSIVE_1_0,
      withComments: false,
    });
    return canonicalHashes(canonical.bytes());
  }
}
