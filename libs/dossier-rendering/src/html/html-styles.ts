/**
 * The page's one stylesheet, inline: no external resource, readable on a phone (nothing of fixed width,
 * tables scroll inside their own box) and printable on A4. The version's identity stands at the top of
 * the page; printed, it stands in the margin of every page as well (`pageIdentityStyles`).
 * Colours: dark text on light backgrounds, every pair above 4.5:1.
 */
export const HTML_STYLES = `
:root { color-scheme: light; --text: #1a1a1a; --muted: #444; --line: #b8b8b8; --link: #0b4f9c;
  --notice: #fff4e0; --notice-edge: #9a4f00; --secret: #ececec; --quote: #eef4fb; --quote-edge: #0b4f9c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem; color: var(--text); background: #fff;
  font: 16px/1.5 "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif; overflow-wrap: anywhere; }
a { color: var(--link); }
h1 { font-size: 1.6rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; padding-bottom: 0.2rem; border-bottom: 2px solid var(--text); }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.4rem; }
h4, h5, h6 { font-size: 1rem; margin: 1rem 0 0.3rem; }
.identity { border: 1px solid var(--line); background: #f7f7f7; padding: 0.4rem 0.6rem; font-size: 0.85rem; }
.identity p { margin: 0; }
.identity .hash { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
.subtitle { margin: 0 0 1rem; font-size: 1.1rem; color: var(--muted); }
.notice { border-left: 4px solid var(--notice-edge); background: var(--notice); padding: 0.4rem 0.7rem; margin: 0.5rem 0; }
.notice-secret { border-left-color: var(--muted); background: var(--secret); }
.notice-info { border-left-color: var(--link); background: var(--quote); }
.zienswijze { border: 2px solid var(--quote-edge); background: var(--quote); padding: 0 1rem 1rem; margin: 1rem 0; }
.zienswijze h2 { border-bottom: none; margin-top: 0.75rem; }
.zienswijze blockquote { margin: 0.5rem 0; padding: 0.6rem 0.9rem; background: #fff; border-left: 4px solid var(--quote-edge);
  font-size: 1.1rem; white-space: pre-line; }
.remarks-label { font-weight: bold; margin: 0.5rem 0 0; }
dl.fields { margin: 0.3rem 0 0.8rem; }
.field { display: grid; grid-template-columns: minmax(9rem, 18rem) minmax(0, 1fr); gap: 0 1rem;
  border-bottom: 1px solid #e2e2e2; padding: 0.2rem 0; }
.field dt { font-weight: bold; }
.field dd { margin: 0; white-space: pre-line; }
.meaning { color: var(--muted); }
.masked { background: var(--secret); padding: 0 0.3rem; font-style: italic; }
.table-scroll { overflow-x: auto; max-width: 100%; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; min-width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; overflow-wrap: normal; }
th { background: #efefef; }
td { white-space: pre-line; }
.status { font-size: 0.85rem; color: var(--muted); margin: 0 0 0.3rem; }
.attachment { margin: 0.4rem 0; }
nav ol { padding-left: 1.5rem; }
footer { margin-top: 2rem; font-size: 0.85rem; color: var(--muted); }
@media (max-width: 40rem) {
  body { padding: 0.6rem; }
  .field { grid-template-columns: minmax(0, 1fr); }
}
@page { size: A4; margin: 22mm 15mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .identity { background: #fff; font-size: 8pt; }
  nav, .download { display: none; }
  .table-scroll { overflow: visible; }
  table { font-size: 8pt; width: 100%; }
  th, td { overflow-wrap: break-word; }
  thead { display: table-header-group; }
  tr, .field, .notice, blockquote { break-inside: avoid; }
  h2, h3, h4, h5, h6 { break-after: avoid; }
  a { color: var(--text); text-decoration: none; }
}
`;

/** A CSS string literal of any text: everything but letters, digits and spaces as an escape. */
function cssString(text: string): string {
  return `"${text.replace(/[^A-Za-z0-9 ]/gu, (character) => `\\${character.codePointAt(0)!.toString(16)} `)}"`;
}

/**
 * The identity in the margin boxes of every printed page (CSS Paged Media, Chromium 131 and later): the
 * page content keeps its room, unlike a `position: fixed` header, which Chromium paints over the content
 * of each page. Browsers without margin boxes still print the identity at the top of the first page.
 */
export function pageIdentityStyles(lines: { top: string; bottom: string; page: string; of: string }): string {
  const box = 'font: 7.5pt "DejaVu Sans", Arial, sans-serif; color: #333;';
  return (
    `@page { @top-left { content: ${cssString(lines.top)}; ${box} } ` +
    `@top-right { content: ${cssString(lines.page)} " " counter(page) " " ${cssString(lines.of)} " " counter(pages); ${box} } ` +
    `@bottom-left { content: ${cssString(lines.bottom)}; ${box} } }`
  );
}
