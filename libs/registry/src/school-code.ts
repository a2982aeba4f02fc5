/**
 * A school location as the OSO standard names it: a BRIN (two digits, two capitals, e.g. `12AB`) plus a
 * two-digit vestiging number (`00` is the main location). Written together as `12AB00`.
 */
export interface SchoolCode {
  brin: string;
  vestiging: string;
}

export const BRIN_PATTERN = /^[0-9]{2}[A-Z]{2}$/;
export const VESTIGING_PATTERN = /^[0-9]{2}$/;

export class InvalidSchoolCodeError extends Error {
  constructor(input: string) {
    super(
      `"${input}" is not a school code: expected a BRIN of two digits and two capitals followed by a ` +
        `two-digit vestiging, e.g. 12AB00`,
    );
    this.name = 'InvalidSchoolCodeError';
  }
}

export function parseSchoolCode(input: string): SchoolCode {
  const trimmed = input.trim().toUpperCase();
  const brin = trimmed.slice(0, 4);
  const vestiging = trimmed.slice(4);
  if (!BRIN_PATTERN.test(brin) || !VESTIGING_PATTERN.test(vestiging)) {
    throw new InvalidSchoolCodeError(input);
  }
  return { brin, vestiging };
}

export function formatSchoolCode(code: SchoolCode): string {
  return `${code.brin}${code.vestiging}`;
}
