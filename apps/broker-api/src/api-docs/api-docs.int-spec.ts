import { ERROR_CATALOGUE, ERROR_CODES } from '../api-errors/error-catalogue';
import type { RunningBroker } from '../../../../test/support/broker-fixture';
import { httpsJson } from '../../../../test/support/https-client';
import { JsonSchema, schemaProblems } from '../../../../test/support/openapi-conformance';
import {
  Exchange,
  SOURCE_SCHOOL,
  TARGET_SCHOOL,
  startExchange,
} from '../../../../test/support/exchange-fixture';
import { TestPki } from '../../../../test/support/test-pki';
import { ApiResponse, VendorClient } from '../../../../test/support/vendor-client';
import { POVO_DOSSIER_BYTES, POVO_PUPIL } from '../../../../test/support/large-dossiers';

/**
 * The OpenAPI document on the real broker: served over mutual TLS like everything else, complete (every
 * route the app registers, every catalogued error code), and true (its examples and the broker's real
 * answers fit its schemas).
 */
/** A generated POVO dossier from school 00YY00, and its pupil. */
const POVO = POVO_DOSSIER_BYTES;
const EXAMPLE_PUPIL = POVO_PUPIL;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  operationId: string;
  parameters?: Array<{ $ref?: string; name?: string; in?: string }>;
  requestBody?: unknown;
  responses: Record<string, ResponseDoc>;
}
interface ResponseDoc {
  $ref?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: JsonSchema; examples?: Record<string, { value: unknown }> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseDoc>;
    securitySchemes: Record<string, { type: string }>;
  };
  security: Array<Record<string, string[]>>;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('API documentation', () => {
  let exchange: Exchange<'vendor'>;
  let pki: TestPki;
  let broker: RunningBroker;
  let vendor: VendorClient;
  let document: OpenApi;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'apidocs',
      // One vendor on both sides keeps the walk through the flow short.
      vendors: {
        vendor: { id: 'acme-las', name: 'Acme LAS', sends: [SOURCE_SCHOOL], receives: [TARGET_SCHOOL] },
      },
      pinBrokerCertificate: true,
    });
    ({ pki, broker } = exchange);
    vendor = exchange.clients.vendor;
    const response = await vendor.get('/docs-json');
    expect(response.status).toBe(200);
    document = response.body as unknown as OpenApi;
  });

  afterAll(() => exchange?.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })),
    );

  /** The documented JSON schema of one operation's answer with this status. */
  function documentedSchema(method: string, path: string, status: number): JsonSchema {
    const operation = document.paths[path]?.[method as (typeof METHODS)[number]];
    const schema = operation?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${path} documents no JSON answer with status ${status}`);
    return schema;
  }

  /** The real answer fits what the document promises for this operation and status. */
  function expectDocumented(method: string, path: string, response: ApiResponse, status: number): void {
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    expect(schemaProblems(document, documentedSchema(method, path, status), response.body)).toEqual([]);
  }

  it('serves the OpenAPI 3.1 document, signed, to an authenticated client only', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.clientCertificate).toEqual(
      expect.objectContaining({ type: 'mutualTLS' }),
    );
    expect(document.security).toEqual([{ clientCertificate: [] }]);
    // The client verified the broker's signature on it (VendorClient holds the broker certificate).
    const signed = await vendor.get('/docs-json');
    expect(signed.headers['signature-input']).toEqual(expect.stringContaining('"@status"'));
    for (const path of ['/docs-json', '/docs']) {
      const anonymous = await httpsJson(broker.port, path, { ca: pki.caCertificate });
      expect([path, anonymous.status, anonymous.body.error]).toEqual([
        path,
        401,
        'CLIENT_CERTIFICATE_MISSING',
      ]);
    }
  });

  it('serves Swagger UI as HTML, its assets, and "Try it out" switched off', async () => {
    const page = await vendor.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.raw.toString('utf8')).toContain('swagger-ui');
    const init = await vendor.get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.raw.toString('utf8')).toContain('"supportedSubmitMethods": []');
    const bundle = await vendor.get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('documents exactly the routes the app registers, each with a unique operation id', () => {
    const express = broker.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
    const registered = express.router.stack
      .filter((layer): layer is Required<ExpressLayer> => layer.route !== undefined)
      .flatMap((layer) =>
        Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
      )
      .filter((route) => !/ \/docs(-json|\/|$)/.test(route)); // the documentation's own routes
    const documented = operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(registered).toContain('GET /v1/whoami'); // the enumeration found the app's routes
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, operation } of operations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      expect([method, path, parameters.map((parameter) => parameter.name)]).toEqual([method, path, inPath]);
    }
  });

  it('describes the signature headers on every /v1 operation and the broker’s signature on every answer', () => {
    for (const { path, method, operation } of operations()) {
      const headers = (operation.parameters ?? []).map((parameter) => parameter.$ref);
      const expected = path.startsWith('/v1/')
        ? [
            '#/components/parameters/SignatureInput',
            '#/components/parameters/Signature',
            ...(operation.requestBody ? ['#/components/parameters/ContentDigest'] : []),
          ]
        : [];
      expect([method, path, headers.filter((header) => header !== undefined)]).toEqual([
        method,
        path,
        expected,
      ]);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect([method, path, status, Object.keys(response.headers ?? {})]).toEqual([
          method,
          path,
          status,
          expect.arrayContaining(['Signature', 'Signature-Input', 'Content-Digest']),
        ]);
      }
    }
  });

  it('answers with every catalogued error code somewhere, each under its own status', () => {
    const seen = new Map<string, string>();
    const collect = (where: string, status: string, response: ResponseDoc) => {
      for (const [code, example] of Object.entries(response.content?.['application/json']?.examples ?? {})) {
        const value = example.value as { error?: string };
        if (value.error !== code || !(code in ERROR_CATALOGUE)) continue;
        expect([where, code, Number(status)]).toEqual([
          where,
          code,
          ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status,
        ]);
        seen.set(code, where);
      }
    };
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) collect(`${method} ${path}`, status, response);
      }
    }
    collect('components.responses.RouteNotFound', '404', document.components.responses.RouteNotFound);
    expect(ERROR_CODES.filter((code) => !seen.has(code))).toEqual([]);
    expect(document.components.schemas.ErrorCode.enum).toEqual(ERROR_CODES);
  });

  it('gives every transfer route the layers in front of it: certificate, signature, budget, vendors only', () => {
    for (const { path, method, operation } of operations()) {
      const codes = Object.values(operation.responses).flatMap((response) =>
        Object.keys(response.content?.['application/json']?.examples ?? {}),
      );
      const expected = [
        'CLIENT_CERTIFICATE_MISSING',
        'RATE_LIMITED',
        'INTERNAL_ERROR',
        ...(path.startsWith('/v1/') ? ['SIGNATURE_MISSING', 'SIGNATURE_REPLAYED'] : []),
        ...(/^\/v1\/(transfers|dossiers)/.test(path) ? ['VENDOR_ONLY'] : []),
        ...(operation.requestBody ? ['CONTENT_DIGEST_MISMATCH', 'REQUEST_BODY_TOO_LARGE'] : []),
      ];
      expect([method, path, codes]).toEqual([method, path, expect.arrayContaining(expected)]);
    }
  });

  it('tells every busy answer when to come back: Retry-After on each 429 and 503', () => {
    const busy = operations().flatMap(({ path, method, operation }) =>
      ['429', '503']
        .filter((status) => operation.responses[status])
        .map((status) => [method, path, status, Object.keys(operation.responses[status].headers ?? {})]),
    );
    expect(busy.filter(([, , status]) => status === '503').length).toBeGreaterThanOrEqual(4);
    for (const [method, path, status, headers] of busy) {
      expect([method, path, status, headers]).toEqual([
        method,
        path,
        status,
        expect.arrayContaining(['Retry-After']),
      ]);
    }
  });

  it('gives examples that fit their own schemas', () => {
    let checked = 0;
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const media = response.content?.['application/json'];
        for (const [name, example] of Object.entries(media?.examples ?? {})) {
          const problems = schemaProblems(document, media!.schema!, example.value);
          expect([method, path, status, name, problems]).toEqual([method, path, status, name, []]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  describe('the broker’s real answers fit the document', () => {
    let transferId: string;

    it('whoami, echo and health', async () => {
      expectDocumented('get', '/v1/whoami', await vendor.get('/v1/whoami'), 200);
      expectDocumented('post', '/v1/echo', await vendor.post('/v1/echo', { hello: 'broker' }), 200);
      // No release worker runs here: degraded, which is still a 200.
      expectDocumented('get', '/health', await vendor.get('/health'), 200);
    });

    it('a request, the inbox, a lookup', async () => {
      const request = {
        targetSchool: '01XZ00',
        sourceSchool: '00YY00',
        pupil: EXAMPLE_PUPIL,
        reason: 'overstap',
      };
      const created = await vendor.post('/v1/transfers', request);
      expectDocumented('post', '/v1/transfers', created, 201);
      transferId = created.body.id as string;
      expectDocumented(
        'get',
        '/v1/transfers',
        await vendor.get('/v1/transfers?role=source&state=requested&limit=1'),
        200,
      );
      expectDocumented(
        'post',
        '/v1/transfers/lookup',
        await vendor.post('/v1/transfers/lookup', { sourceSchool: '00YY00', pupil: EXAMPLE_PUPIL }),
        200,
      );
      expectDocumented('post', '/v1/transfers', await vendor.post('/v1/transfers', request), 409);
    });

    it('validation, staging and the transfer with its version and history', async () => {
      expectDocumented('post', '/v1/validate', await vendor.send('POST', '/v1/validate', POVO), 200);
      const staged = await vendor.put(`/v1/transfers/${transferId}/dossier`, POVO);
      expectDocumented('put', '/v1/transfers/{id}/dossier', staged, 201);
      const view = await vendor.get(`/v1/transfers/${transferId}`);
      expectDocumented('get', '/v1/transfers/{id}', view, 200);
      expect(view.body.history).toHaveLength(3);
      expectDocumented('post', '/v1/dossiers', await vendor.send('POST', '/v1/dossiers', POVO), 201);
    });

    it('the documented request examples are accepted as they stand', async () => {
      for (const [method, path] of [
        ['post', '/v1/transfers'],
        ['post', '/v1/transfers/lookup'],
      ] as const) {
        const body = document.paths[path][method]!.requestBody as {
          content: Record<string, { schema: JsonSchema; examples: Record<string, { value: unknown }> }>;
        };
        const media = body.content['application/json'];
        for (const example of Object.values(media.examples)) {
          expect(schemaProblems(document, media.schema, example.value)).toEqual([]);
          const response = await vendor.send(method.toUpperCase(), path, example.value);
          expectDocumented(method, path, response, method === 'post' && path === '/v1/transfers' ? 201 : 200);
        }
      }
    });

    it('refusals: their codes are documented for the route, with their status', async () => {
      const refusals: Array<[string, string, () => Promise<ApiResponse>, number, string]> = [
        [
          'get',
          '/v1/transfers/{id}/dossier',
          () => vendor.get(`/v1/transfers/${transferId}/dossier`),
          409,
          'DOSSIER_NOT_RELEASED',
        ],
        [
          'post',
          '/v1/transfers/{id}/receipt',
          () => vendor.post(`/v1/transfers/${transferId}/receipt`),
          409,
          'TRANSFER_STATE_CONFLICT',
        ],
        [
          'get',
          '/v1/transfers/{id}',
          () => vendor.get('/v1/transfers/00000000-0000-4000-8000-000000000000'),
          404,
          'TRANSFER_NOT_FOUND',
        ],
        ['get', '/v1/transfers', () => vendor.get('/v1/transfers?role=owner'), 400, 'REQUEST_INVALID'],
        [
          'put',
          '/v1/transfers/{id}/dossier',
          () => vendor.put(`/v1/transfers/${transferId}/dossier`, Buffer.from('not xml')),
          422,
          'DOSSIER_INVALID',
        ],
      ];
      for (const [method, path, call, status, code] of refusals) {
        const response = await call();
        expect([method, path, response.body.error]).toEqual([method, path, code]);
        expectDocumented(method, path, response, status);
      }
      const withdrawn = await vendor.post(`/v1/transfers/${transferId}/withdrawal`);
      expectDocumented('post', '/v1/transfers/{id}/withdrawal', withdrawn, 200);
    });
  });
});
