/** Page geometry, type sizes and colours of the PDF, in PDF points (1/72 inch); one place to tune. */
export const PAGE = {
  size: 'A4',
  /** A4 portrait width in points. */
  width: 595.28,
  height: 841.89,
  margin: { top: 58, bottom: 62, left: 48, right: 48 },
} as const;

export const CONTENT_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;

export const TYPE = {
  title: 18,
  subtitle: 11,
  heading: [14, 12, 10.5, 10] as const,
  body: 9.5,
  table: 8.5,
  furniture: 7,
} as const;

/** Space below a block, around cell text, and the indent of each nested group. */
export const SPACE = {
  afterBlock: 8,
  afterHeading: 4,
  beforeHeading: 10,
  cellPadding: 3,
  groupIndent: 10,
  maxIndentLevels: 4,
  noticePadding: 5,
  accentBar: 3,
} as const;

/** Keep a heading with at least this much of what follows it on the same page. */
export const KEEP_WITH_NEXT = 48;

/** Share of the width a field list gives its labels. */
export const LABEL_SHARE = 0.34;

/** Dark text on light backgrounds: every pair has a contrast ratio well above 4.5:1. */
export const COLOUR = {
  text: '#1a1a1a',
  muted: '#4a4a4a',
  rule: '#9a9a9a',
  headerFill: '#e6e9ef',
  zienswijzeFill: '#fff6dc',
  zienswijzeAccent: '#8a5a00',
  notice: {
    secret: { fill: '#f3e8f7', accent: '#6b2c83' },
    'left-out': { fill: '#eef1f5', accent: '#3d4f66' },
    'not-sent': { fill: '#fdecea', accent: '#9b1c1c' },
    info: { fill: '#eaf3fb', accent: '#1f5f99' },
  },
} as const;
