import { z } from 'zod';
import { commaList, integer, optionalString } from './env-fields';

/**
 * The Redis part of the configuration: which topology (one server, a cluster, or a master
 * found through Sentinel) and how sure a write must be. Kept apart from config.schema.ts,
 * which merges `redisEnvShape` into its object, calls `checkRedisEnv` from its refinement
 * and `redisConfigOf` from its transform.
 */

/** Where a node or a sentinel listens. */
export interface RedisNode {
  host: string;
  port: number;
}

/** Credentials and TLS of the data nodes (never of the sentinels). */
interface RedisAuth {
  username?: string;
  password?: string;
  tls: boolean;
}

export type RedisTopology =
  /** One server; ioredis reads credentials, TLS (rediss://) and the database from the URL. */
  | { topology: 'standalone'; url: string }
  | ({ topology: 'cluster'; nodes: RedisNode[] } & RedisAuth)
  | ({ topology: 'sentinel'; sentinels: RedisNode[]; name: string; sentinelPassword?: string } & RedisAuth);

export type RedisConfig = RedisTopology & {
  /** Replicas that must confirm (WAIT) a write that ends or rotates a credential; 0: none. */
  writeReplicas: number;
  /** How long, in milliseconds, such a write waits for them. */
  writeTimeout: number;
};

export const redisEnvShape = {
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_CLUSTER_NODES: commaList,
  REDIS_SENTINELS: commaList,
  REDIS_SENTINEL_MASTER: optionalString,
  REDIS_SENTINEL_PASSWORD: optionalString,
  // Additions to CONFIG.md (README): the data nodes' credentials and TLS behind Sentinel, which
  // has no URL to carry them.
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_TLS: z.stringbool().default(false),
  REDIS_WRITE_REPLICAS: integer().min(0, 'must be 0 or more replicas').default(0),
  // 0 would make WAIT block forever.
  REDIS_WRITE_TIMEOUT: integer().positive('must be a positive number of milliseconds').default(500),
};

export type RedisEnv = z.output<z.ZodObject<typeof redisEnvShape>>;

/** Reports one problem: `variable` is what the line starts with. */
export type Problem = (variable: string, message: string) => void;

const TOPOLOGY_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

function topologiesSet(env: RedisEnv): string[] {
  return TOPOLOGY_VARIABLES.filter((variable) =>
    variable === 'REDIS_URL' ? env.REDIS_URL !== undefined : env[variable].length > 0,
  );
}

/** "Redis is configured" (CONFIG.md): any of the three topologies. */
export function redisConfigured(env: RedisEnv): boolean {
  return topologiesSet(env).length > 0;
}

/** Every problem of the Redis variables, one line each. */
export function checkRedisEnv(env: RedisEnv, problem: Problem): void {
  const set = topologiesSet(env);
  if (set.length > 1) {
    problem(set.join(', '), 'set only one Redis topology: REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS');
  }
  if (env.REDIS_CLUSTER_NODES.length > 0) checkClusterNodes(env.REDIS_CLUSTER_NODES, problem);

  const sentinel = env.REDIS_SENTINELS.length > 0;
  for (const entry of env.REDIS_SENTINELS) {
    if (!parseHostPort(entry)) problem('REDIS_SENTINELS', `"${entry}" is not host:port`);
  }
  if (sentinel && !env.REDIS_SENTINEL_MASTER) problem('REDIS_SENTINEL_MASTER', 'is required with REDIS_SENTINELS');
  const sentinelOnly: Array<[string, boolean]> = [
    ['REDIS_SENTINEL_MASTER', env.REDIS_SENTINEL_MASTER !== undefined],
    ['REDIS_SENTINEL_PASSWORD', env.REDIS_SENTINEL_PASSWORD !== undefined],
    ['REDIS_USERNAME', env.REDIS_USERNAME !== undefined],
    ['REDIS_PASSWORD', env.REDIS_PASSWORD !== undefined],
    ['REDIS_TLS', env.REDIS_TLS],
  ];
  for (const [variable, given] of sentinelOnly) {
    if (given && !sentinel) {
      const hint = variable.startsWith('REDIS_SENTINEL') ? '' : ': with a URL, put credentials and rediss:// in it';
      problem(variable, `applies only with REDIS_SENTINELS${hint}`);
    }
  }
  if (env.REDIS_WRITE_REPLICAS > 0 && set.length === 0) {
    problem('REDIS_WRITE_REPLICAS', 'needs Redis: set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS');
  }
}

function checkClusterNodes(entries: string[], problem: Problem): void {
  const urls: URL[] = [];
  for (const entry of entries) {
    const url = parseUrl(entry);
    if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
      problem('REDIS_CLUSTER_NODES', `"${redact(entry)}" is not a redis:// or rediss:// URL`);
    } else if (url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0') {
      problem('REDIS_CLUSTER_NODES', `"${redact(entry)}" names a database: a cluster has only database 0`);
    } else if (url.search !== '') {
      problem('REDIS_CLUSTER_NODES', `"${redact(entry)}" has query options, which are not read`);
    } else {
      urls.push(url);
    }
  }
  if (urls.length !== entries.length) return;
  // One cluster: every seed is reached the same way (ioredis applies one set of options to all nodes).
  const [first, ...rest] = urls;
  if (rest.some((url) => url.protocol !== first.protocol)) {
    problem('REDIS_CLUSTER_NODES', 'mixes redis:// and rediss://: every node of a cluster is reached the same way');
  }
  if (rest.some((url) => url.username !== first.username || url.password !== first.password)) {
    problem('REDIS_CLUSTER_NODES', 'the seed URLs carry different credentials: give every one the same');
  }
}

/** The typed topology, or undefined when Redis is not configured. Call after checkRedisEnv passed. */
export function redisConfigOf(env: RedisEnv): RedisConfig | undefined {
  const write = { writeReplicas: env.REDIS_WRITE_REPLICAS, writeTimeout: env.REDIS_WRITE_TIMEOUT };
  if (env.REDIS_URL) return { topology: 'standalone', url: env.REDIS_URL, ...write };
  if (env.REDIS_CLUSTER_NODES.length > 0) {
    const urls = env.REDIS_CLUSTER_NODES.map((entry) => new URL(entry));
    const [first] = urls;
    return {
      topology: 'cluster',
      nodes: urls.map((url) => ({ host: unbracket(url.hostname), port: Number(url.port || 6379) })),
      username: first.username ? decodeURIComponent(first.username) : undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      tls: first.protocol === 'rediss:',
      ...write,
    };
  }
  if (env.REDIS_SENTINELS.length > 0) {
    return {
      topology: 'sentinel',
      sentinels: env.REDIS_SENTINELS.map((entry) => parseHostPort(entry)!),
      name: env.REDIS_SENTINEL_MASTER!,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      tls: env.REDIS_TLS,
      ...write,
    };
  }
  return undefined;
}

/** `host:port` or `[v6]:port`; undefined when it is not one. */
function parseHostPort(entry: string): RedisNode | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+):(\d{1,5})$/.exec(entry);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: unbracket(match[1]), port };
}

function parseUrl(entry: string): URL | undefined {
  try {
    return new URL(entry);
  } catch {
    return undefined;
  }
}

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/** A refused entry is echoed without its password. */
function redact(entry: string): string {
  return entry.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
