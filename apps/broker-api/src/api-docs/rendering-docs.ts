import { RENDERING_FORMATS, RENDERING_FORMS } from '@app/dossier-rendering';
import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { LOG_ENTRY_HEADER_DOC } from '../exchange-log/log-entry-header';

/* The OpenAPI description of the readable dossier's routes (issue #12, rendering.controller.ts). */

export const VERSION_HASH_PARAM = {
  name: 'versionHash',
  description: 'The version’s canonicalSha256 (64 lowercase hex digits), as in its DossierVersionView.',
  schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
} as const;
export const NUMBER_PARAM = {
  name: 'number',
  description: 'The attachment’s number: its position among the dossier’s attachments, from 1, as listed.',
  schema: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
} as const;

const FILE_HEADERS = {
  'X-Dossier-Version': {
    description: 'The version’s number in the pupil’s line.',
    schema: { type: 'integer' },
  },
  'X-Dossier-Version-Hash': {
    description: 'The version’s canonicalSha256: what inzage evidence names.',
    schema: { type: 'string' },
  },
  'Content-Disposition': { description: 'Never a pupil’s name.', schema: { type: 'string' } },
  'Cache-Control': { description: '`no-store`.', schema: { type: 'string' } },
  'X-Content-Type-Options': { description: '`nosniff`.', schema: { type: 'string' } },
  ...LOG_ENTRY_HEADER_DOC,
};

/** Documents a rendering route: its query, its two media types and the headers. */
export function RenderingDocs(side: 'source' | 'target'): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'format', required: true, enum: RENDERING_FORMATS }),
    ApiQuery({
      name: 'form',
      required: false,
      enum: RENDERING_FORMS,
      description:
        '`complete` (default); `without-special-categories`: without health data, diagnoses, support plans ' +
        'and attachments, each marked as left out; `for-verzorger`: the inzage copy for one parent, without ' +
        'the other verzorgers’ contact details.',
    }),
    ApiQuery({
      name: 'verzorger',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 9999 },
      description:
        'With `form=for-verzorger` only: the parent’s position among the dossier’s verzorgers, from 1.',
    }),
    ApiProduces('text/html', 'application/pdf'),
    ApiOkResponse({
      description:
        `The ${side === 'source' ? 'staged' : 'released'} version as one self-contained Dutch HTML page, or ` +
        'as a PDF, with the version number and content hash on every page.',
      headers: {
        ...FILE_HEADERS,
        'Content-Security-Policy': { description: 'HTML only.', schema: { type: 'string' } },
      },
      content: {
        'text/html': { schema: { type: 'string' } },
        'application/pdf': { schema: { type: 'string', format: 'binary' } },
      },
    }),
  );
}

export function AttachmentDocs(): MethodDecorator {
  return applyDecorators(
    ApiProduces('application/octet-stream'),
    ApiOkResponse({
      description:
        'The attachment’s bytes as decoded from the dossier; Content-Type is judged from the bytes.',
      headers: FILE_HEADERS,
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    }),
  );
}
