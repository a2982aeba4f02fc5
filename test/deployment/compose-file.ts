import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const COMPOSE_FILE = join(__dirname, '..', '..', 'docker', 'compose.yaml');

interface ComposeService {
  environment?: Record<string, string | number | boolean | null> | string[];
}

/** A service's `environment` as written in docker/compose.yaml, before interpolation. */
export function composeEnvironment(service: string): Record<string, string> {
  const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, ComposeService> };
  const environment = compose.services[service]?.environment;
  if (!environment || Array.isArray(environment))
    throw new Error(`${service} has no environment mapping in ${COMPOSE_FILE}`);
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` (and their forms without the colon), `$NAME`, `$$`. */
const REFERENCE = /\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g;

export interface VariableReference {
  name: string;
  /** `:-`, `-`, `:?`, `?`, or '' for a plain reference. */
  operator: string;
  argument: string;
}

export function variableReferences(value: string): VariableReference[] {
  return [...value.matchAll(REFERENCE)]
    .filter((match) => match[0] !== '$$')
    .map((match) => ({ name: match[1] ?? match[4], operator: match[2] ?? '', argument: match[3] ?? '' }));
}

/**
 * Compose's interpolation of one value with the operator's variables: a missing `:?` variable fails
 * with its message, as `docker compose up` does.
 */
export function interpolate(value: string, variables: Record<string, string | undefined>): string {
  return value.replace(REFERENCE, (whole, braced?: string, operator = '', argument = '', bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const current = variables[name];
    const unset = operator.startsWith(':') ? !current : current === undefined;
    if (operator.endsWith('?') && unset)
      throw new Error(`required variable ${name} is missing a value: ${argument}`);
    if (operator.endsWith('-') && unset) return argument;
    return current ?? '';
  });
}

export function interpolateEnvironment(
  environment: Record<string, string>,
  variables: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, interpolate(value, variables)]),
  );
}

export const HAPROXY_FILE = join(__dirname, '..', '..', 'docker', 'haproxy.cfg');

export interface ComposeServiceSettings {
  image?: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  environment?: Record<string, string | number | boolean | null>;
}

/** Every service of docker/compose.yaml as written (before interpolation). */
export function composeServices(): Record<string, ComposeServiceSettings> {
  return (parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, ComposeServiceSettings> })
    .services;
}

/**
 * docker/haproxy.cfg as its sections: `frontend broker_tls` → its directive lines, comments and blank
 * lines dropped, runs of spaces made one.
 */
export function haproxySections(): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of readFileSync(HAPROXY_FILE, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim().replace(/\s+/g, ' ');
    if (line === '') continue;
    if (/^\S/.test(raw)) {
      current = [];
      sections.set(line, current);
    } else current?.push(line);
  }
  return sections;
}
