/** The little of fontkit (pdfkit's own font engine) the PDF uses: parse a font file once per process. */
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    layout(text: string, features?: unknown): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
