const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const SPECIAL = /[&<>"']/g;
const HAS_SPECIAL = /[&<>"']/;

/** Text for element content and quoted attribute values: every dossier text goes through here. */
export function escapeHtml(text: string): string {
  // Most values hold none of these: no new string for them.
  return HAS_SPECIAL.test(text) ? text.replace(SPECIAL, (character) => ESCAPES[character]) : text;
}
