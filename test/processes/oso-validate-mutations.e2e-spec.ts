import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOW_PROCESS_TEST_TIMEOUT_MS, runBuilt } from '../support/built-process';
import { pupilIdentifiersIn } from '../support/pupil-echo';
import {
  describeOnOfficialExamples,
  officialExampleByFileName,
  officialExampleNames,
} from '../support/official-examples';

/**
 * Broad mutation of the official examples through the built `oso validate` (schema and rules): every
 * element deleted, duplicated or renamed, every leaf value emptied or replaced, every category flipped.
 * There is no official validator here to compare with, so this checks what must hold for any input: a
 * verdict for every file (never a crash), findings a vendor can act on, strict at least as strict as
 * official, and the pupil (BSN, or the name of a pupil without one) never echoed back.
 */
interface ElementSpan {
  name: string;
  start: number;
  end: number;
  /** Start and end of the content between the tags; null for an element with child elements. */
  text: { start: number; end: number } | null;
}

/** Element spans of a well-formed document without comments or CDATA (true of the examples). */
function elementSpans(xml: string): ElementSpan[] {
  const spans: ElementSpan[] = [];
  const open: Array<{ name: string; start: number; contentStart: number; hasChildren: boolean }> = [];
  for (const tag of xml.matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    const [whole, closing, name, selfClosing] = tag;
    const start = tag.index;
    if (closing) {
      const element = open.pop()!;
      spans.push({
        name,
        start: element.start,
        end: start + whole.length,
        text: element.hasChildren ? null : { start: element.contentStart, end: start },
      });
      continue;
    }
    if (open.length > 0) open[open.length - 1].hasChildren = true;
    if (selfClosing) spans.push({ name, start, end: start + whole.length, text: null });
    else open.push({ name, start, contentStart: start + whole.length, hasChildren: false });
  }
  return spans;
}

/** Up to `limit` items spread evenly over the list, so large examples stay quick. */
function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, index) => items[Math.floor(index * step)]);
}

function mutants(xml: string): string[] {
  const spans = elementSpans(xml).filter((span) => span.name !== 'dossier');
  const out: string[] = [];
  for (const span of spread(spans, 80)) {
    const whole = xml.slice(span.start, span.end);
    out.push(xml.slice(0, span.start) + xml.slice(span.end));
    out.push(xml.slice(0, span.end) + whole + xml.slice(span.end));
    out.push(
      xml.slice(0, span.start) +
        whole.replace(/^<[\w.-]+/, '<onbekend').replace(/<\/[\w.-]+>$/, '</onbekend>') +
        xml.slice(span.end),
    );
  }
  const leaves = spans.filter((span) => span.text !== null && !/bestandsinhoud/.test(span.name));
  for (const span of spread(leaves, 80)) {
    for (const value of ['', 'X', ' 1 ', '0', '9999999999', '2099-12-31', 'true']) {
      out.push(xml.slice(0, span.text!.start) + value + xml.slice(span.text!.end));
    }
  }
  for (const category of xml.matchAll(/<(cat_\w+)>([A-Z-]+)<\/cat_\w+>/g)) {
    for (const value of ['VERPLICHT', 'OPTIONEEL', 'VERBODEN', 'OPT-UIT']) {
      if (value === category[2]) continue;
      out.push(xml.replace(category[0], `<${category[1]}>${value}</${category[1]}>`));
    }
  }
  return out;
}

interface Finding {
  rule: string;
  path: string;
  message: string;
}
interface Verdict {
  file: string;
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
}

function actionable(verdict: Verdict): string[] {
  const problems: string[] = [];
  if (verdict.valid !== (verdict.errors.length === 0)) problems.push('valid disagrees with errors');
  for (const finding of [...verdict.errors, ...verdict.warnings]) {
    if (!finding.rule || !finding.path.startsWith('/') || !finding.message) {
      problems.push(`finding without rule, path or message: ${JSON.stringify(finding)}`);
    }
  }
  return problems;
}

describeOnOfficialExamples('oso validate on broad mutations of every official example', () => {
  // Hundreds of dossiers per test: a guard for a busy machine, not a time limit on the product.
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oso-mutants-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const validate = async (rules: string, files: string[]): Promise<Map<string, Verdict>> => {
    const result = await runBuilt('cli', ['validate', '--json', '--rules', rules, ...files]);
    expect(result.code).toBe(1);
    const verdicts = result.stdout.map((line) => JSON.parse(line) as Verdict);
    expect(verdicts).toHaveLength(files.length);
    return new Map(verdicts.map((verdict) => [verdict.file, verdict]));
  };

  const names = officialExampleNames();

  it.each(names)(
    '%s: every mutant gets an actionable verdict, strict ⊇ official, no BSN or name echoed',
    async (name) => {
      const xml = officialExampleByFileName(name);
      // The BSN, or for swv-dossiers (no BSN) the pupil's surname: never an empty list to look for.
      const pupil = pupilIdentifiersIn(xml);
      expect(pupil).not.toEqual([]);
      const files = mutants(xml).map((mutant, index) => {
        const file = join(dir, `mutant-${index}.xml`);
        writeFileSync(file, mutant);
        return file;
      });
      expect(files.length).toBeGreaterThan(100);
      const official = await validate('official', files);
      const strict = await validate('strict', files);
      const problems: string[] = [];
      let invalid = 0;
      for (const file of files) {
        const byOfficial = official.get(file)!;
        const byStrict = strict.get(file)!;
        problems.push(...actionable(byOfficial), ...actionable(byStrict));
        if (!byOfficial.valid) invalid++;
        // Our rules only add: whatever the official rules refuse, strict refuses too.
        const strictRules = new Set(byStrict.errors.map((error) => error.rule));
        const missed = byOfficial.errors.filter((error) => !strictRules.has(error.rule));
        if (missed.length > 0)
          problems.push(`${file}: strict missed ${missed.map((error) => error.rule).join(',')}`);
        const echoed = pupil.filter((value) => JSON.stringify(byStrict).includes(value));
        if (echoed.length > 0) problems.push(`${file}: pupil identifier echoed`);
      }
      expect(problems.slice(0, 5)).toEqual([]);
      // The mutations are meant to break things: most of them must be refused.
      expect(invalid).toBeGreaterThan(files.length / 2);
    },
  );
});
