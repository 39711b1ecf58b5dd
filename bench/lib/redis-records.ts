import type Redis from 'ioredis';

/**
 * What one login leaves in Redis, captured from a real login and copied with fresh ids:
 * the faithful way to put 10 000 or 100 000 sessions (or refresh families) in the store
 * without 100 000 argon2 verifications. Whatever shape the records take (a string, a hash,
 * a per-user index set), the copies are the same shape, with the same TTL.
 */

type Value = string | Record<string, string> | string[];

interface StoredKey {
  key: string;
  type: 'string' | 'hash' | 'set';
  /** Milliseconds left, or -1 for none. */
  pttl: number;
  value: Value;
}

const SCAN_LIMIT = 10_000_000;
const BATCH = 1000;

/** Every key in the current database (SCAN, bounded). */
export async function allKeys(redis: Redis): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    batch.forEach((key) => keys.add(key));
    cursor = next;
  } while (cursor !== '0' && keys.size < SCAN_LIMIT);
  return keys;
}

export async function usedMemory(redis: Redis): Promise<number> {
  const match = /^used_memory:(\d+)/m.exec(await redis.info('memory'));
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/** CPU seconds (user + system) the Redis server has used so far. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

export class RecordTemplate {
  private constructor(
    private readonly keys: StoredKey[],
    /** The ids the keys were made with, by name: every occurrence is replaced in a copy. */
    private readonly ids: Record<string, string>,
    /** Keys the login created that hold none of the ids (shared counters and the like): not copied. */
    readonly ignored: string[],
  ) {}

  /**
   * The keys that appeared since `before` and name or hold one of `ids`
   * (for a session: its id and its user's id).
   */
  static async capture(redis: Redis, before: Set<string>, ids: Record<string, string>): Promise<RecordTemplate> {
    const fresh = [...(await allKeys(redis))].filter((key) => !before.has(key)).sort();
    const keys: StoredKey[] = [];
    const ignored: string[] = [];
    for (const key of fresh) {
      const stored = await read(redis, key);
      if (Object.values(ids).some((id) => JSON.stringify(stored).includes(id))) keys.push(stored);
      else ignored.push(key);
    }
    if (keys.length === 0) throw new Error(`the login left no key holding ${JSON.stringify(ids)} in Redis`);
    return new RecordTemplate(keys, ids, ignored);
  }

  /**
   * How many records of this kind Redis holds: keys named like the one that carries the
   * record's own id (`idName`), less those named like the template's other keys (an index
   * `sess:user:<user>` also matches `sess:*`).
   */
  async count(redis: Redis, idName: string): Promise<number> {
    const id = this.ids[idName];
    const own = this.keys.find((stored) => stored.key.includes(id));
    if (!own) throw new Error(`no captured key is named by the ${idName}`);
    const others = this.keys
      .filter((stored) => stored !== own)
      .map(
        (stored) =>
          new RegExp(
            `^${Object.values(this.ids).reduce((key, any) => key.split(any).join('.+'), escape(stored.key))}$`,
          ),
      );
    let count = 0;
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', own.key.split(id).join('*'), 'COUNT', 1000);
      count += batch.filter((key) => !others.some((other) => other.test(key))).length;
      cursor = next;
    } while (cursor !== '0' && count < SCAN_LIMIT);
    return count;
  }

  /** Per key of the template: name (ids shown as <name>), type, and MEMORY USAGE of one copy. */
  async describe(redis: Redis, copyKeys: string[]): Promise<{ key: string; type: string; bytes: number }[]> {
    return Promise.all(
      this.keys.map(async (stored, index) => ({
        key: Object.entries(this.ids).reduce((key, [name, id]) => key.split(id).join(`<${name}>`), stored.key),
        type: stored.type,
        bytes: Number(await redis.call('MEMORY', 'USAGE', copyKeys[index], 'SAMPLES', '0')),
      })),
    );
  }

  /**
   * Writes `count` copies, each with fresh ids from `makeIds`, in pipelined batches.
   * Returns the keys written, copy by copy in template order.
   */
  async write(redis: Redis, count: number, makeIds: () => Record<string, string>): Promise<string[]> {
    const written: string[] = [];
    for (let start = 0; start < count; start += BATCH) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const fresh = makeIds();
        for (const stored of this.keys) {
          const key = this.substitute(stored.key, fresh);
          written.push(key);
          if (stored.type === 'string') pipeline.set(key, this.substitute(stored.value as string, fresh));
          else if (stored.type === 'hash')
            pipeline.hset(
              key,
              JSON.parse(this.substitute(JSON.stringify(stored.value), fresh)) as Record<string, string>,
            );
          else pipeline.sadd(key, ...(stored.value as string[]).map((member) => this.substitute(member, fresh)));
          if (stored.pttl > 0) pipeline.pexpire(key, stored.pttl);
        }
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0] as Error;
    }
    return written;
  }

  private substitute(text: string, fresh: Record<string, string>): string {
    return Object.entries(this.ids).reduce((result, [name, id]) => result.split(id).join(fresh[name]), text);
  }
}

export async function unlinkAll(redis: Redis, keys: string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH) await redis.unlink(...keys.slice(start, start + BATCH));
}

async function read(redis: Redis, key: string): Promise<StoredKey> {
  const [type, pttl] = await Promise.all([redis.type(key), redis.pttl(key)]);
  switch (type) {
    case 'string':
      return { key, type, pttl, value: (await redis.get(key)) ?? '' };
    case 'hash':
      return { key, type, pttl, value: await redis.hgetall(key) };
    case 'set':
      return { key, type, pttl, value: await redis.smembers(key) };
    default:
      throw new Error(`${key}: a ${type} key; bench/lib/redis-records.ts copies strings, hashes and sets`);
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
