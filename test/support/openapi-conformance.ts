/**
 * Checks a JSON value against a schema of an OpenAPI 3.1 document: the subset of JSON Schema the broker's
 * document uses ($ref, oneOf/anyOf/allOf, type, enum, pattern, format, properties, required,
 * additionalProperties, items, minimum/maximum). Enough to hold the documented schemas, their examples
 * and the broker's real answers to one another, without a validator dependency.
 */
export type JsonSchema = Record<string, unknown>;

interface OpenApiDocument {
  components?: { schemas?: Record<string, JsonSchema> };
}

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  date: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
  'date-time': /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/,
};

/** Every way `value` breaks `schema`, as `path: problem`; empty when it conforms. */
export function schemaProblems(
  document: OpenApiDocument,
  schema: JsonSchema,
  value: unknown,
  path = '$',
): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) return [`${path}: unresolved ${schema.$ref}`];
    return schemaProblems(document, target, value, path);
  }
  const problems: string[] = [];
  const sub = (key: string) => (schema[key] as JsonSchema[] | undefined) ?? [];
  for (const part of sub('allOf')) problems.push(...schemaProblems(document, part, value, path));
  if (schema.oneOf) {
    const matches = sub('oneOf').filter((part) => schemaProblems(document, part, value, path).length === 0);
    if (matches.length !== 1) problems.push(`${path}: matches ${matches.length} of oneOf, not 1`);
  }
  if (
    schema.anyOf &&
    !sub('anyOf').some((part) => schemaProblems(document, part, value, path).length === 0)
  ) {
    problems.push(`${path}: matches none of anyOf`);
  }
  if (schema.type !== undefined && !hasType(value, schema.type as string)) {
    return [...problems, `${path}: not ${String(schema.type)}: ${JSON.stringify(value)?.slice(0, 80)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
      problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    }
    const format = FORMATS[schema.format as string];
    if (format && !format.test(value)) problems.push(`${path}: "${value}" is not a ${String(schema.format)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above maximum`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) =>
      problems.push(...schemaProblems(document, schema.items as JsonSchema, item, `${path}[${index}]`)),
    );
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in value)) problems.push(`${path}: missing ${name}`);
    }
    for (const [name, member] of Object.entries(value)) {
      if (properties[name]) {
        problems.push(...schemaProblems(document, properties[name], member, `${path}.${name}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${path}: unexpected ${name}`);
      } else if (isObject(schema.additionalProperties)) {
        problems.push(
          ...schemaProblems(document, schema.additionalProperties as JsonSchema, member, `${path}.${name}`),
        );
      }
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}
