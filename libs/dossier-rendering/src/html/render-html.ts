import type { RenderedDossier, RenderedIdentity, RenderedSection } from '../model/rendered-dossier';
import { escapeHtml } from './escape';
import { attachmentListHtml, blocksHtml, fieldsHtml } from './html-blocks';
import { HTML_STYLES, pageIdentityStyles } from './html-styles';
import { HTML_TEXTS } from './html-texts';

/** Sections are h2; their groups start at h3. */
const GROUP_HEADING_LEVEL = 3;
const REMARKS_FIELD = '/redennietakkoord';
const ATTACHMENTS_ID = 'bijlagen';

/**
 * Defence in depth: every text is escaped, and should one ever slip through, the page still runs no
 * script and loads nothing (only inline styles and data: images are allowed).
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The version shown, as the inzage evidence names it. */
function versionText(identity: RenderedIdentity): string {
  return identity.versionNumber === null ? HTML_TEXTS.offlineVersion : String(identity.versionNumber);
}

function identityHtml(identity: RenderedIdentity, out: string[]): void {
  out.push(
    '<header class="identity"><p>',
    HTML_TEXTS.versionLabel,
    ': <strong>',
    escapeHtml(versionText(identity)),
    '</strong> · ',
    HTML_TEXTS.shortHashLabel,
    ': <strong class="short-hash">',
    escapeHtml(identity.shortHash),
    '</strong> · ',
    HTML_TEXTS.hashLabel,
    ': <span class="hash">',
    escapeHtml(identity.contentHash),
    '</span></p></header>',
  );
}

function sectionHtml(section: RenderedSection, out: string[]): void {
  const id = escapeHtml(section.category);
  out.push(
    '<section id="',
    id,
    '" aria-labelledby="h-',
    id,
    '"><h2 id="h-',
    id,
    '">',
    escapeHtml(section.title),
    '</h2>',
  );
  if (section.status !== 'shown') {
    out.push('<p class="status">', HTML_TEXTS.statusLabels[section.status], '</p>');
  }
  if (section.notice) {
    const tone = section.status === 'empty' ? 'info' : section.status;
    out.push('<p class="notice notice-', tone, '">', escapeHtml(section.notice), '</p>');
  }
  blocksHtml(section.blocks, GROUP_HEADING_LEVEL, out);
  out.push('</section>');
}

/** One self-contained HTML page (Dutch, no external resources, no script) of the model. */
export function renderHtml(dossier: RenderedDossier): string {
  const { identity } = dossier;
  const out: string[] = [
    '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta http-equiv="Content-Security-Policy" content="',
    CONTENT_SECURITY_POLICY,
    '"><meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">',
    // No pupil name in the title: it ends up in tab titles, browser history and print headers.
    '<title>',
    escapeHtml(
      `${dossier.title} · ${HTML_TEXTS.versionLabel.toLowerCase()} ${versionText(identity)} · ${identity.shortHash}`,
    ),
    '</title><style>',
    HTML_STYLES,
    pageIdentityStyles({
      top: `${HTML_TEXTS.versionLabel} ${versionText(identity)} · ${HTML_TEXTS.shortHashLabel.toLowerCase()} ${identity.shortHash}`,
      bottom: `${HTML_TEXTS.hashLabel}: ${identity.contentHash}`,
      page: 'pagina',
      of: 'van',
    }),
    '</style></head><body>',
  ];
  identityHtml(identity, out);
  out.push(
    '<main><h1>',
    escapeHtml(dossier.title),
    '</h1><p class="subtitle">',
    escapeHtml(dossier.subtitle),
    '</p>',
  );
  if (dossier.formNotice)
    out.push('<p class="notice notice-left-out">', escapeHtml(dossier.formNotice), '</p>');
  if (dossier.zienswijze) {
    const { zienswijze } = dossier;
    out.push(
      '<section class="zienswijze" aria-labelledby="zienswijze"><h2 id="zienswijze">',
      escapeHtml(zienswijze.heading),
      '</h2>',
    );
    if (zienswijze.remarks) {
      out.push(
        '<p class="remarks-label">',
        HTML_TEXTS.remarksLabel,
        '</p><blockquote><p>',
        escapeHtml(zienswijze.remarks),
        '</p></blockquote>',
      );
    }
    // The remarks are quoted above; the other fields follow.
    fieldsHtml(
      zienswijze.fields.filter((field) => !(zienswijze.remarks && field.path.endsWith(REMARKS_FIELD))),
      out,
    );
    out.push('</section>');
  }
  out.push('<nav aria-labelledby="inhoud"><h2 id="inhoud">', HTML_TEXTS.contentsHeading, '</h2><ol>');
  for (const section of dossier.sections) {
    out.push('<li><a href="#', escapeHtml(section.category), '">', escapeHtml(section.title), '</a>');
    if (section.status !== 'shown') out.push(' — ', HTML_TEXTS.statusLabels[section.status].toLowerCase());
    out.push('</li>');
  }
  if (dossier.attachments.length > 0) {
    out.push('<li><a href="#', ATTACHMENTS_ID, '">', HTML_TEXTS.attachmentsHeading, '</a></li>');
  }
  out.push('</ol></nav>');
  for (const section of dossier.sections) sectionHtml(section, out);
  if (dossier.attachments.length > 0) {
    out.push(
      '<section id="',
      ATTACHMENTS_ID,
      '" aria-labelledby="h-',
      ATTACHMENTS_ID,
      '"><h2 id="h-',
      ATTACHMENTS_ID,
      '">',
    );
    out.push(HTML_TEXTS.attachmentsHeading, '</h2>');
    attachmentListHtml(dossier.attachments, out);
    out.push('</section>');
  }
  out.push('</main><footer><p>', HTML_TEXTS.colophon, '</p></footer></body></html>\n');
  return out.join('');
}
