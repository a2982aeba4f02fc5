import { EXCHANGE_LOG_TABLES } from '@app/exchange-log';
import Redis from 'ioredis';
import { Client } from 'pg';

/**
 * The personal data of the dossiers a run used (the needles) and a search for them in whatever the broker
 * wrote or answered (the haystacks): log lines, error bodies, health answers, Redis keys and values, and
 * exchange-log entries. A hit names the haystack (file and line, Redis key and field, log entry id), the
 * kind of data and where in the text, never the value itself (the report must not leak what it found).
 */

export type NeedleKind = 'bsn' | 'name' | 'birth date' | 'street' | 'postcode';

export interface Needle {
  value: string;
  kind: NeedleKind;
}

export interface Haystack {
  /** Where the text is: `broker-api.log:118`, `redis <key> field data`, `exchange_log_entries #42`. */
  where: string;
  text: string;
}

export interface Hit {
  where: string;
  kind: NeedleKind;
  /** The needle's length and the text around it with the needle masked, to find it without repeating it. */
  context: string;
}

/** The pupil's own data in a dossier: the first <leerling> block's names, birth date, BSN and address. */
export function needlesOfDossier(xml: string): Needle[] {
  const start = xml.indexOf('<leerling>');
  const end = xml.indexOf('</leerling>', start);
  if (start < 0 || end < 0) throw new Error('the dossier has no <leerling>');
  const pupil = xml.slice(start, end);
  // The pupil's own address: the first <adres> before the GP's (<huisarts>) or anyone else's.
  const ownPart = pupil.slice(0, indexOrEnd(pupil, '<huisarts>'));
  const values = (element: string, from = pupil) =>
    [...from.matchAll(new RegExp(`<${element}>\\s*([^<]+?)\\s*</${element}>`, 'g'))].map((m) => m[1]);
  const needles: Needle[] = [];
  const add = (kind: NeedleKind, value: string | undefined) => {
    if (value && !needles.some((needle) => needle.value === value)) needles.push({ kind, value });
  };
  for (const bsn of values('bsn')) add('bsn', bsn);
  for (const element of ['voornaam', 'roepnaam', 'achternaam', 'gbavoornaam', 'gbaachternaam']) {
    for (const name of values(element, ownPart)) {
      // Each part of a name on its own too ("van Dijk": "Dijk"), but not a particle or an initial.
      add('name', name);
      for (const part of name.split(/\s+/)) if (part.length >= 3 && /^\p{Lu}/u.test(part)) add('name', part);
    }
  }
  for (const date of [...values('geboortedatum', ownPart), ...values('gbageboortedatum', ownPart)]) {
    for (const format of birthDateFormats(date)) add('birth date', format);
  }
  const address = ownPart.slice(indexOrEnd(ownPart, '<adreslijst>'));
  const street = values('straat', address)[0];
  add('street', street);
  const number = values('nummer', address)[0];
  if (street && number) add('street', `${street} ${number}`);
  const postcode = values('postcode', address)[0];
  if (postcode) {
    const compact = postcode.replace(/\s+/g, '');
    add('postcode', compact);
    add('postcode', `${compact.slice(0, 4)} ${compact.slice(4)}`);
  }
  return needles;
}

function indexOrEnd(text: string, marker: string): number {
  const at = text.indexOf(marker);
  return at < 0 ? text.length : at;
}

/** The formats a dossier writes a birth date in: 2011-07-21 (ISO) and 21-07-2011 (GBA), and 20110721. */
export function birthDateFormats(date: string): string[] {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const gba = /^(\d{2})-(\d{2})-(\d{4})$/.exec(date);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : gba ? [gba[3], gba[2], gba[1]] : [];
  if (!year) return [date];
  return [`${year}-${month}-${day}`, `${day}-${month}-${year}`, `${year}${month}${day}`];
}

/** One search over many haystacks for many needles: a single pattern, bounded by non-alphanumerics. */
export class PersonalDataSearch {
  private readonly byValue = new Map<string, Needle>();
  private pattern: RegExp | null = null;

  add(needles: readonly Needle[]): void {
    for (const needle of needles) this.byValue.set(needle.value, needle);
    this.pattern = null;
  }

  get needles(): Needle[] {
    return [...this.byValue.values()];
  }

  find(haystacks: Iterable<Haystack>): Hit[] {
    const pattern = this.compiled();
    const hits: Hit[] = [];
    for (const { where, text } of haystacks) {
      for (const match of text.matchAll(pattern)) {
        const needle = this.byValue.get(match[1])!;
        const at = match.index + match[0].indexOf(match[1]);
        const around = `${text.slice(Math.max(0, at - 40), at)}[${needle.kind}, ${needle.value.length} chars]${text.slice(at + needle.value.length, at + needle.value.length + 40)}`;
        hits.push({ where, kind: needle.kind, context: around.replace(/\s+/g, ' ') });
      }
    }
    return hits;
  }

  private compiled(): RegExp {
    if (this.pattern) return this.pattern;
    if (this.byValue.size === 0) throw new Error('no needles: nothing would ever be found');
    // Longest first, so "Tulppad 65" wins over "Tulppad"; a needle inside a longer word or number is not it.
    const alternatives = [...this.byValue.keys()]
      .sort((a, b) => b.length - a.length)
      .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
    return this.pattern;
  }
}

/** Every line of a text as its own haystack (`name:line`). */
export function linesOf(name: string, text: string): Haystack[] {
  return text.split('\n').map((line, index) => ({ where: `${name}:${index + 1}`, text: line }));
}

/**
 * Every key under `prefix` and its value, whatever its type (string, hash, list, set, sorted set, stream:
 * BullMQ keeps job data in hashes and events in streams), the key itself a haystack too. Binary values are
 * read as latin1 as well as UTF-8, so data in a binary frame is still found.
 */
export async function redisHaystacks(redisUrl: string, prefix: string, label: string): Promise<Haystack[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
  const haystacks: Haystack[] = [];
  const push = (where: string, value: Buffer | string) => {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    haystacks.push({ where, text: bytes.toString('utf8') });
    if (bytes.some((byte) => byte > 0x7f))
      haystacks.push({ where: `${where} (latin1)`, text: bytes.toString('latin1') });
  };
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scanBuffer(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = String(next);
      for (const keyBytes of keys) {
        const key = keyBytes.toString('utf8');
        const where = `redis ${label} ${key}`;
        push(`${where} (key)`, keyBytes);
        const type = await redis.type(key);
        if (type === 'string') push(where, (await redis.getBuffer(key)) ?? Buffer.alloc(0));
        else if (type === 'hash') {
          const fields = await redis.hgetallBuffer(key);
          for (const [field, value] of Object.entries(fields)) {
            push(`${where} field ${field} (name)`, field);
            push(`${where} field ${field}`, value);
          }
        } else if (type === 'list') {
          (await redis.lrangeBuffer(key, 0, -1)).forEach((value, index) =>
            push(`${where} [${index}]`, value),
          );
        } else if (type === 'set') {
          (await redis.smembersBuffer(key)).forEach((value, index) =>
            push(`${where} member ${index}`, value),
          );
        } else if (type === 'zset') {
          const members = await redis.zrangeBuffer(key, 0, -1, 'WITHSCORES');
          members.forEach((value, index) =>
            push(`${where} ${index % 2 ? 'score' : 'member'} ${index >> 1}`, value),
          );
        } else if (type === 'stream') {
          const entries = (await redis.xrangeBuffer(key, '-', '+')) as unknown as Array<[Buffer, Buffer[]]>;
          for (const [id, fields] of entries) {
            fields.forEach((value, index) => push(`${where} entry ${id.toString()} [${index}]`, value));
          }
        } else if (type !== 'none') {
          throw new Error(`Redis key ${key} has type ${type}, which the search does not read`);
        }
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return haystacks;
}

/** Every exchange-log entry (all its columns, as JSON) of the broker's database. */
export async function exchangeLogHaystacks(databaseUrl: string): Promise<Haystack[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; entry: string }>(
      `SELECT id::text AS id, row_to_json(e)::text AS entry FROM ${EXCHANGE_LOG_TABLES.entries} e ORDER BY id`,
    );
    return rows.map((row) => ({ where: `${EXCHANGE_LOG_TABLES.entries} #${row.id}`, text: row.entry }));
  } finally {
    await client.end();
  }
}
