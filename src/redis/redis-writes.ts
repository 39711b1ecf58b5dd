import type { ChainableCommander } from 'ioredis';
import { StoreUnavailableError } from '../common/store-unavailable.error';
import type { RedisClient } from './redis.client';
import { toRedisError } from './redis-errors';

/** ioredis's inline transaction (its README, "Transaction"): inside a pipeline, `multi()` queues
 * MULTI and `exec()` queues EXEC and returns the pipeline. Its typings do not model this:
 * ChainableCommander declares no `multi()`, and its `exec()` as the one that sends the pipeline. */
interface InlineTransaction {
  multi(): unknown;
  exec(): unknown;
}

/** Whether `pipeline` has the `multi()` of ioredis's Pipeline (see InlineTransaction). */
function hasInlineTransaction(pipeline: ChainableCommander): pipeline is ChainableCommander & InlineTransaction {
  return 'multi' in pipeline && typeof pipeline.multi === 'function';
}

/** Fewer replicas than REDIS_WRITE_REPLICAS confirmed a write in REDIS_WRITE_TIMEOUT. */
export class ReplicasNotConfirmedError extends Error {
  constructor(
    readonly confirmed: number,
    readonly wanted: number,
    readonly timeoutMs: number,
  ) {
    super(`WAIT: ${confirmed} of ${wanted} replicas confirmed the write within ${timeoutMs} ms`);
    this.name = 'ReplicasNotConfirmedError';
  }
}

/**
 * Writes that a failover must not undo: ending a session or a family, logout-all, a password
 * change, denylist entries, a refresh rotation, a new login's session. `commit` runs the
 * commands as one MULTI/EXEC and, with REDIS_WRITE_REPLICAS > 0, a `WAIT replicas timeout` right
 * after it, in the same pipeline: one round trip, on the same connection, so WAIT counts the
 * replicas that have this very write. A keyless WAIT in a cluster pipeline goes to the node of
 * the pipeline's keys (ioredis routes the whole pipeline to the first key's slot).
 */
export class RedisWrites {
  constructor(
    private readonly redis: RedisClient,
    /** REDIS_WRITE_REPLICAS: 0 sends no WAIT at all. */
    readonly replicas: number,
    /** REDIS_WRITE_TIMEOUT, in milliseconds. */
    readonly timeoutMs: number,
  ) {}

  /**
   * Runs `build`'s commands, whose keys must share one hash slot, as one transaction; with
   * REDIS_WRITE_REPLICAS > 0 it resolves only once that many replicas have the write.
   * @returns the replies of `build`'s commands, in order.
   * @throws StoreUnavailableError when Redis cannot be reached or refuses (READONLY, ...), or when
   *   fewer replicas confirmed in time (the write may or may not survive a failover: 503).
   * @throws RedisCommandError when Redis refuses the commands themselves (CROSSSLOT, a script error).
   */
  async commit(build: (tx: ChainableCommander) => void): Promise<unknown[]> {
    const pipeline = this.redis.pipeline();
    if (!hasInlineTransaction(pipeline)) {
      // An ioredis upgrade dropped it: fail every confirmed write at once, not send them unwrapped.
      throw new Error('ioredis pipelines have no multi(): RedisWrites cannot open a transaction');
    }
    const inline: InlineTransaction = pipeline;
    inline.multi();
    build(pipeline);
    const queued = pipeline.length - 1;
    inline.exec();
    if (this.replicas > 0) pipeline.wait(this.replicas, this.timeoutMs);

    let results: Array<[Error | null, unknown]>;
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      throw toRedisError(error);
    }
    // [MULTI, QUEUED × queued, EXEC, WAIT?]: a command refused while queueing (READONLY, a syntax
    // error) makes EXEC fail with EXECABORT; report the refusal itself.
    const [execError, replies] = results[queued + 1] ?? [new Error('EXEC reply missing'), null];
    if (execError) {
      const refused = results.slice(0, queued + 1).find(([error]) => error !== null)?.[0];
      throw toRedisError(refused ?? execError);
    }
    if (!Array.isArray(replies)) throw toRedisError(new Error(`EXEC answered ${String(replies)}`));
    const failed = (replies as unknown[]).findIndex((reply) => reply instanceof Error);
    if (failed >= 0) throw toRedisError(withCommand(replies[failed] as Error, pipeline, failed + 1));

    if (this.replicas > 0) {
      const [waitError, confirmed] = results[queued + 2];
      if (waitError) throw toRedisError(waitError);
      if (typeof confirmed !== 'number' || confirmed < this.replicas) {
        const cause = new ReplicasNotConfirmedError(Number(confirmed) || 0, this.replicas, this.timeoutMs);
        throw new StoreUnavailableError('redis', { cause });
      }
    }
    return replies as unknown[];
  }
}

/**
 * Errors inside EXEC's reply do not say which command failed (ioredis names only errors it
 * matched to a command it sent): name it from its place in the pipeline, for the error log.
 */
function withCommand(error: Error, pipeline: ChainableCommander, position: number): Error {
  const name = queuedCommandName(pipeline, position);
  return name === undefined ? error : Object.assign(error, { command: { name } });
}

/**
 * The name of the command at `position` in ioredis's Pipeline, read from its private `_queue`
 * (the Commands queued, in order), which its typings do not expose. Best effort, for the log
 * only: if a later ioredis keeps it elsewhere, the error goes out without the name rather than
 * being replaced by one about the lookup.
 */
function queuedCommandName(pipeline: ChainableCommander, position: number): string | undefined {
  const queue: unknown = '_queue' in pipeline ? pipeline._queue : undefined;
  const command: unknown = Array.isArray(queue) ? queue[position] : undefined;
  const name: unknown = typeof command === 'object' && command !== null && 'name' in command ? command.name : undefined;
  return typeof name === 'string' ? name : undefined;
}
