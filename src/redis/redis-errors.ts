import { types } from 'node:util';
import { StoreUnavailableError } from '../common/store-unavailable.error';

/**
 * What a failure of the Redis client means, decided in one place:
 *
 * - the store cannot serve us right now (connection lost or refused, a command timed out, the
 *   node is a read-only replica, is loading, lost its master, the cluster is down or moving
 *   slots, not enough replicas, out of memory): an outage, `StoreUnavailableError` (503; ioredis
 *   reconnects, and the sentinel client follows a failover);
 * - anything else Redis answers (CROSSSLOT, a script error, WRONGTYPE, a syntax error): a bug
 *   in our commands, `RedisCommandError` (500, logged at error level with the command's name).
 */

/** Replies by which a Redis server says "not now, not here" rather than "wrong command". */
const UNAVAILABLE_REPLY = /^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK|NOREPLICAS|BUSY|OOM|MISCONF)\b/;

/** Errors ioredis (and rate-limiter-flexible, on its behalf) raises when it cannot reach a server. */
const UNAVAILABLE_CLIENT_MESSAGE = new RegExp(
  [
    "^Stream isn't writeable",
    '^Connection is closed',
    '^Command timed out',
    '^Command aborted due to connection close',
    "^Cluster isn't ready",
    '^None of startup nodes is available',
    '^Failed to refresh slots cache',
    '^Too many Cluster redirections',
    '^Cluster is (ended|disconnected|disconnecting)',
    '^Connection is (aborted|discarded)',
    '^All sentinels are unreachable',
    '^Redis connection is not ready', // rate-limiter-flexible, when the client is not ready
    '^Reached the max retries per request',
  ].join('|'),
);

/** Node's socket errors while (re)connecting. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Classes of redis-errors and ioredis: whatever else they say is Redis's word, not ours. */
const REDIS_ERROR_NAMES = new Set([
  'ReplyError',
  'RedisError',
  'AbortError',
  'InterruptError',
  'ParserError',
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
]);

/** ioredis refuses, before sending, a pipeline or MULTI whose keys span slots or nodes of a cluster. */
const CROSS_SLOT_CLIENT_MESSAGE = /^All (the )?keys in (a|the) pipeline/;

/** A Redis command failed because of how we used it: a bug, with the command named for the log. */
export class RedisCommandError extends Error {
  constructor(
    /** Lower-case command name as ioredis reports it (`mget`, `evalsha`, `exec`), if known. */
    readonly command: string | undefined,
    cause: Error,
  ) {
    super(`Redis command ${command ? `${command.toUpperCase()} ` : ''}failed: ${cause.message}`, { cause });
    this.name = 'RedisCommandError';
  }
}

interface ErrorFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  command?: { name?: unknown };
  previousErrors?: unknown;
}

/**
 * Classifies an error thrown by a Redis call: a `StoreUnavailableError` or a `RedisCommandError`
 * (both keep the original as `cause`); an error that did not come from Redis is returned as is.
 */
export function toRedisError(error: unknown): unknown {
  if (!isError(error)) return error;
  if (error instanceof StoreUnavailableError || error instanceof RedisCommandError) return error;
  const fields = error as ErrorFields;
  if (isUnavailable(error)) return new StoreUnavailableError('redis', { cause: error });
  const fromRedis =
    REDIS_ERROR_NAMES.has(String(fields.name)) ||
    fields.command !== undefined ||
    CROSS_SLOT_CLIENT_MESSAGE.test(error.message);
  if (!fromRedis) return error;
  const command = typeof fields.command?.name === 'string' ? fields.command.name : undefined;
  return new RedisCommandError(command, error);
}

/** Runs one Redis call and rethrows its failure classified (see toRedisError). */
export async function redisCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRedisError(error);
  }
}

function isUnavailable(error: Error): boolean {
  const fields = error as ErrorFields;
  if (fields.name === 'MaxRetriesPerRequestError') return true;
  if (typeof fields.code === 'string' && UNAVAILABLE_SOCKET_CODES.has(fields.code)) return true;
  if (UNAVAILABLE_CLIENT_MESSAGE.test(error.message)) return true;
  if (fields.name === 'ReplyError' && UNAVAILABLE_REPLY.test(error.message)) return true;
  // EXECABORT: a MULTI discarded because a queued command was refused (READONLY inside a
  // transaction is reported this way); the refusal decides.
  if (Array.isArray(fields.previousErrors)) {
    const first: unknown = fields.previousErrors.find(isError);
    if (isError(first)) return isUnavailable(first);
  }
  return false;
}

/** Node's socket errors come from another realm than `Error` in some hosts (Jest's sandbox): ask V8. */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}
