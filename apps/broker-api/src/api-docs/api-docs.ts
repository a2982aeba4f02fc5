import { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type SecuritySchemeObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ERROR_CATALOGUE, ERROR_CODES } from '../api-errors/error-catalogue';
import { errorResponses } from './api-error-responses';
import { API_SCHEMAS } from './api-schemas';

/** Swagger UI and the OpenAPI JSON, outside /v1: mutual TLS applies, the signature guard does not. */
export const API_DOCS_PATH = '/docs';
export const API_DOCS_JSON_PATH = '/docs-json';

export const API_TAGS = {
  transfers: 'Transfers',
  onboarding: 'Onboarding',
  exchangeLog: 'Exchange log',
  audit: 'Auditors',
  boards: 'School boards',
  health: 'Health',
} as const;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const DESCRIPTION = `
The exchange of OSO overstapdossiers (gegevensset 2019.1) between LAS vendors. The full guide, with the
flow step by step, is \`docs/api-guide.md\` in the broker's repository.

**Connecting.** Every request travels over TLS with a client certificate of a CA the broker trusts (its
own, or one the operator added), registered to your organisation. The broker checks it before routing:
without one, every path — this page too — answers \`401\`.

**Signing (every \`/v1\` request).** RFC 9421 HTTP Message Signatures with the key of that certificate:
\`Signature-Input\` covering \`"@method"\`, \`"@target-uri"\` (the absolute URI as sent), \`"content-digest"\`
when there is a body (RFC 9530 \`Content-Digest: sha-256=:…:\`), with the parameters \`created\`, a fresh
\`nonce\` (16–128 characters) and \`keyid\` = the certificate's SHA-256 fingerprint (lower-case hex). EC P-256
keys (the default of \`oso pki issue\`) sign as \`ecdsa-p256-sha256\` (raw r‖s); RSA keys as \`rsa-pss-sha512\`
with salt length 64; P-384 as \`ecdsa-p384-sha384\`; Ed25519 as \`ed25519\`. Signatures older than 300 s (or over 60 s ahead) and replayed nonces are refused.
A browser cannot sign, so "Try it out" is off here; \`POST /v1/echo\` shows what the broker verified, and
\`npm run --silent oso -- request --as <vendor> METHOD PATH [--data …]\` is the reference client.

**Signed answers.** Every answer, refusals included, carries \`Content-Digest\`, \`Signature-Input\` and
\`Signature\` by the broker's server key (keyid = the server certificate's SHA-256 fingerprint), covering
\`"@status"\`, \`"content-digest"\`, \`"@method";req\`, \`"@target-uri";req\` and \`"signature";req;key=<label>\`
for each signature of your request: verify it, and keep it as proof of what the broker said.

**Errors.** Every error is \`{ "error": CODE, "message": text }\` (some codes add facts). Branch on the code:

| status | code | meaning |
| --- | --- | --- |
${ERROR_CODES.map((code) => `| ${ERROR_CATALOGUE[code].status} | \`${code}\` | ${ERROR_CATALOGUE[code].meaning} |`).join('\n')}
`.trim();

/** Request headers every /v1 call carries (RFC 9421, RFC 9530). */
const REQUEST_HEADERS: Record<string, ParameterObject> = {
  SignatureInput: {
    name: 'Signature-Input',
    in: 'header',
    required: true,
    description:
      'RFC 9421: e.g. `sig=("@method" "@target-uri" "content-digest" "content-type");created=1772359331;' +
      'keyid="<certificate SHA-256>";alg="ecdsa-p256-sha256";nonce="<16+ random bytes, base64url>"`.',
    schema: { type: 'string' },
  },
  Signature: {
    name: 'Signature',
    in: 'header',
    required: true,
    description: 'RFC 9421: `sig=:<base64 signature>:`, made with the client certificate’s key.',
    schema: { type: 'string' },
  },
  ContentDigest: {
    name: 'Content-Digest',
    in: 'header',
    required: true,
    description:
      'RFC 9530 digest of the exact body bytes, e.g. `sha-256=:<base64>:`; covered by the signature.',
    schema: { type: 'string' },
  },
};

const RESPONSE_HEADERS = {
  Signature: {
    description: 'The broker’s RFC 9421 signature over this answer, bound to your request.',
    schema: { type: 'string' },
  },
  'Signature-Input': {
    description:
      'Covers `"@status" "content-digest" "@method";req "@target-uri";req "signature";req;key="sig"`, ' +
      'keyid = the broker’s server certificate SHA-256.',
    schema: { type: 'string' },
  },
  'Content-Digest': { description: 'RFC 9530 sha-256 of the answer body.', schema: { type: 'string' } },
};

const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });
const parameterRef = (name: keyof typeof REQUEST_HEADERS): ReferenceObject => ({
  $ref: `#/components/parameters/${name}`,
});

/** The OpenAPI 3.1 document of the routes `app` registers, with the broker's security and error model. */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('OSO broker — vendor API')
    .setVersion('v1')
    .setDescription(DESCRIPTION)
    // OpenAPI 3.1's mutualTLS scheme; the typings of @nestjs/swagger stop at 3.0's four types.
    .addSecurity('clientCertificate', {
      type: 'mutualTLS',
      description: 'A client certificate of the broker’s CA, bound to your organisation in its registry.',
    } as unknown as SecuritySchemeObject)
    .addSecurityRequirements('clientCertificate')
    .addTag(API_TAGS.transfers, 'Request, stage (klaarzetten), follow, fetch, acknowledge or withdraw.')
    .addTag(API_TAGS.onboarding, 'Check your set-up: identity, signatures, dossier validation.')
    .addTag(
      API_TAGS.exchangeLog,
      'Hold the broker to account: its signed checkpoint, proofs of your entries.',
    )
    .addTag(
      API_TAGS.audit,
      'For auditor certificates: query the exchange log in your scope, timelines, reports, proofs, exports.',
    )
    .addTag(
      API_TAGS.boards,
      'A school board’s instructions (release policy, retention term), recorded by the vendor acting for it.',
    )
    .addTag(API_TAGS.health, 'The broker’s dependencies.')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...API_SCHEMAS },
    parameters: { ...document.components?.parameters, ...REQUEST_HEADERS },
    headers: { ...document.components?.headers, ...RESPONSE_HEADERS },
    responses: {
      ...document.components?.responses,
      // Not an operation's answer: what any path or method outside the routes below gets.
      RouteNotFound: errorResponses(['NOT_FOUND'])[404],
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) describeSignatures(path, operation);
    }
  }
  return document;
}

/** Adds what holds for every operation: signed requests under /v1, signed answers everywhere. */
function describeSignatures(path: string, operation: OperationObject): void {
  if (path.startsWith('/v1/')) {
    const headers = [parameterRef('SignatureInput'), parameterRef('Signature')];
    if (operation.requestBody) headers.push(parameterRef('ContentDigest'));
    operation.parameters = [...(operation.parameters ?? []), ...headers];
  }
  for (const response of Object.values(operation.responses)) {
    if (!response || '$ref' in response) continue;
    response.headers = {
      ...response.headers,
      Signature: headerRef('Signature'),
      'Signature-Input': headerRef('Signature-Input'),
      'Content-Digest': headerRef('Content-Digest'),
    };
  }
  const limited = operation.responses[429];
  if (limited && !('$ref' in limited)) {
    limited.headers = {
      ...limited.headers,
      'Retry-After': {
        description: 'Seconds until your organisation’s budget allows requests again.',
        schema: { type: 'integer' },
      },
    };
  }
  const busy = operation.responses[503];
  if (busy && !('$ref' in busy)) {
    busy.headers = {
      ...busy.headers,
      'Retry-After': {
        description: 'Seconds after which the broker expects to take the request; nothing was changed.',
        schema: { type: 'integer' },
      },
    };
  }
}

/**
 * Serves Swagger UI at /docs and the document at /docs-json. Call after the authentication middleware is
 * installed: the routes are plain Express routes registered behind it, so they need a client certificate.
 */
export function setUpApiDocs(app: INestApplication): void {
  const document = createApiDocument(app);
  SwaggerModule.setup(API_DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: API_DOCS_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: 'OSO broker — vendor API',
    // A browser cannot sign requests (RFC 9421), so "Try it out" could only ever produce 401s.
    swaggerOptions: { supportedSubmitMethods: [] },
  });
}
