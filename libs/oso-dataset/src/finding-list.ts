import { DossierFinding } from './dossier-verdict';

/**
 * The most findings one verdict lists, errors first, then warnings; the rest are only counted
 * (`findingsOmitted`). A hostile dossier can break a rule once per element or attribute: without a
 * bound its answer grew to hundreds of megabytes.
 */
export const MAX_FINDINGS = 100;

/** The longest finding message; longer ones (libxml2's lists of expected elements) are cut. */
export const MAX_MESSAGE_CHARACTERS = 500;

/** Collects up to MAX_FINDINGS findings and counts the ones past it. */
export class FindingList {
  readonly errors: DossierFinding[] = [];
  readonly warnings: DossierFinding[] = [];
  /** Errors found past the limit (not listed). */
  errorsOmitted = 0;
  /** Warnings found past the limit (not listed). */
  warningsOmitted = 0;

  /** Whether another finding of this severity would still be listed; if not, callers may skip building it. */
  hasRoom(severity: 'error' | 'warning'): boolean {
    return (severity === 'error' ? this.errors : this.warnings).length < MAX_FINDINGS;
  }

  get omitted(): number {
    return this.errorsOmitted + this.warningsOmitted;
  }

  add(severity: 'error' | 'warning', finding: DossierFinding | (() => DossierFinding)): void {
    if (!this.hasRoom(severity)) {
      if (severity === 'error') this.errorsOmitted++;
      else this.warningsOmitted++;
      return;
    }
    const made = typeof finding === 'function' ? finding() : finding;
    (severity === 'error' ? this.errors : this.warnings).push({
      ...made,
      message: shortened(made.message),
      messageNl: shortened(made.messageNl),
    });
  }

  /** Errors first: the warnings keep only the room the errors left. */
  finish(): { errors: DossierFinding[]; warnings: DossierFinding[]; findingsOmitted: number } {
    const room = Math.max(0, MAX_FINDINGS - this.errors.length);
    const warnings = this.warnings.slice(0, room);
    return {
      errors: this.errors,
      warnings,
      findingsOmitted: this.omitted + this.warnings.length - warnings.length,
    };
  }
}

function shortened(message: string): string {
  return message.length > MAX_MESSAGE_CHARACTERS
    ? `${message.slice(0, MAX_MESSAGE_CHARACTERS - 1)}…`
    : message;
}
