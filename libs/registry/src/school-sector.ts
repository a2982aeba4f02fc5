/** The education sector a school (vestiging) belongs to; the sending sector decides which law applies. */
export const SCHOOL_SECTORS = ['PO', 'VO', 'SO', 'VSO', 'MBO'] as const;
export type SchoolSector = (typeof SCHOOL_SECTORS)[number];
