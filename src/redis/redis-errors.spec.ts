import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpException } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { freePorts, RedisCluster } from '../../test/support/redis-cluster';
import { RedisProcess, serverArgs } from '../../test/support/redis-process';
import { StoreUnavailableError } from '../common/store-unavailable.error';
import { redisCall, RedisCommandError, toRedisError } from './redis-errors';

/**
 * The classifier, fed with the errors real servers and the real client produce: each server
 * below is started (on a free port) in the state that makes it answer with that error.
 */

/** A fail-fast client of one port, as the service's own (no offline queue, no retries). */
function clientOf(port: number, extra: Record<string, unknown> = {}): Redis {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: () => null,
    ...extra,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** The error `call` rejects with (fails the test if it resolves). */
async function errorOf(call: () => Promise<unknown>): Promise<Error> {
  try {
    await call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

function expectUnavailable(error: Error, message: RegExp): void {
  expect(error.message).toMatch(message);
  const classified = toRedisError(error);
  expect(classified).toBeInstanceOf(StoreUnavailableError);
  expect(classified).toMatchObject({ store: 'redis', message: 'redis is unavailable', cause: error });
}

function expectBug(error: Error, command: string | undefined, message: RegExp): void {
  const classified = toRedisError(error);
  expect(classified).toBeInstanceOf(RedisCommandError);
  expect(classified).toMatchObject({ command, cause: error });
  expect((classified as Error).message).toMatch(message);
}

describe('toRedisError', () => {
  const servers: RedisProcess[] = [];
  const clients: Array<Redis | Cluster> = [];
  const dirs: string[] = [];
  const track = <T extends Redis | Cluster>(client: T) => (clients.push(client), client);
  const start = async (args: (port: number) => string[]) => {
    const [port] = await freePorts(1);
    const server = await RedisProcess.start(port, args(port));
    servers.push(server);
    return server;
  };

  afterAll(async () => {
    // A client whose connection already ended has nothing to close (disconnect() would wait 2 s for it).
    clients.filter((client) => client.status !== 'end').forEach((client) => client.disconnect());
    await Promise.all(servers.map((server) => server.stop()));
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  describe('outages: StoreUnavailableError (503)', () => {
    it('READONLY from a replica, and EXECABORT caused by it inside MULTI', async () => {
      const master = await start(serverArgs);
      const replica = await start((port) => [...serverArgs(port), '--replicaof', '127.0.0.1', String(master.port)]);
      const redis = track(clientOf(replica.port));
      await redis.connect();

      expectUnavailable(await errorOf(() => redis.set('key', 'value')), /^READONLY /);
      const aborted = await errorOf(() => redis.multi().set('key', 'value').expire('key', 10).exec());
      expectUnavailable(aborted, /^EXECABORT /);
    });

    it('MASTERDOWN from a replica that lost its master and serves no stale data', async () => {
      const [nobody] = await freePorts(1);
      const replica = await start((port) => [
        ...serverArgs(port),
        ...['--replicaof', '127.0.0.1', String(nobody), '--replica-serve-stale-data', 'no'],
      ]);
      const redis = track(clientOf(replica.port));
      await redis.connect();
      expectUnavailable(await errorOf(() => redis.get('key')), /^MASTERDOWN /);
    });

    it('NOREPLICAS from a master told to accept writes only with a replica', async () => {
      const master = await start((port) => [...serverArgs(port), '--min-replicas-to-write', '1']);
      const redis = track(clientOf(master.port));
      await redis.connect();
      expectUnavailable(await errorOf(() => redis.set('key', 'value')), /^NOREPLICAS /);
    });

    it('OOM from a server out of memory', async () => {
      const full = await start((port) => [...serverArgs(port), '--maxmemory', '1', '--maxmemory-policy', 'noeviction']);
      const redis = track(clientOf(full.port));
      await redis.connect();
      expectUnavailable(await errorOf(() => redis.set('key', 'value')), /^OOM /);
    });

    it('CLUSTERDOWN from a cluster node that serves no slot', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'redis-lonely-'));
      dirs.push(dir);
      const lonely = await start((port) => [...serverArgs(port), '--cluster-enabled', 'yes', '--dir', dir]);
      const redis = track(clientOf(lonely.port));
      await redis.connect();
      expectUnavailable(await errorOf(() => redis.get('key')), /^CLUSTERDOWN /);
    });

    it('connection refused, a closed connection and a timed-out command', async () => {
      const server = await start(serverArgs);
      const redis = track(clientOf(server.port, { commandTimeout: 300 }));
      await redis.connect();

      server.pause(); // hung: the socket stays open and nothing answers
      expectUnavailable(await errorOf(() => redis.get('key')), /^Command timed out/);
      server.resume();
      await server.stop();
      await new Promise((done) => setTimeout(done, 100));
      expectUnavailable(await errorOf(() => redis.get('key')), /Connection is closed|Stream isn't writeable/);

      // What ioredis reports (its 'error' event) while it cannot connect.
      const refused = track(clientOf(server.port));
      const reported = new Promise<Error>((done) => refused.once('error', done));
      await refused.connect().catch(() => undefined);
      expectUnavailable(await reported, /ECONNREFUSED/);
    });

    it("rate-limiter-flexible's refusal while the client is not ready", async () => {
      const [nobody] = await freePorts(1);
      const limiter = new RateLimiterRedis({
        storeClient: track(clientOf(nobody)),
        points: 1,
        duration: 1,
        rejectIfRedisNotReady: true,
      });
      expectUnavailable(await errorOf(() => limiter.get('someone')), /^Redis connection is not ready/);
    });
  });

  describe('on a Redis Cluster', () => {
    let cluster: RedisCluster;
    let client: Cluster;
    beforeAll(async () => {
      cluster = await RedisCluster.start({ masters: 3 });
      client = track(new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0].port }], { enableOfflineQueue: false }));
      await new Promise((done) => client.once('ready', done));
    }, 90_000);
    afterAll(() => cluster?.stop());

    it('CROSSSLOT is a bug, logged with its command', async () => {
      const error = await errorOf(() => client.mget('deny:jti:a', 'deny:fam:b'));
      expect(error.message).toMatch(/^CROSSSLOT /);
      expectBug(error, 'mget', /^Redis command MGET failed: CROSSSLOT /);
    });

    it("ioredis's refusal of a transaction across slots is a bug too", async () => {
      const error = await errorOf(() => client.multi().sadd('rt:user:1', 'f').hset('rt:fam:f', 'a', '1').exec());
      expect(error.message).toMatch(/slots allocation group|same slot/);
      expectBug(error, undefined, /^Redis command failed: All keys in the pipeline/);
    });

    it('MOVED that reaches a client which is not a cluster client is an outage (a misconfiguration)', async () => {
      // One of the three masters does not own a given key's slot: a plain client there gets MOVED.
      const plain = cluster.nodes.map((node) => track(clientOf(node.port)));
      await Promise.all(plain.map((redis) => redis.connect()));
      const errors = await Promise.all(
        plain.map((redis) =>
          redis.get('some-key').then(
            () => null,
            (error: Error) => error,
          ),
        ),
      );
      const moved = errors.filter((error): error is Error => error !== null);
      expect(moved).toHaveLength(2);
      for (const error of moved) expectUnavailable(error, /^MOVED \d+ 127\.0\.0\.1:\d+$/);
    });
  });

  describe('bugs: RedisCommandError (500)', () => {
    let redis: Redis;
    beforeAll(async () => {
      const server = await start(serverArgs);
      redis = track(clientOf(server.port));
      await redis.connect();
    });

    it('a script error, with the command', async () => {
      const error = await errorOf(() => redis.eval("return redis.call('no-such-command')", 0));
      expectBug(error, 'eval', /^Redis command EVAL failed: ERR /);
    });

    it('WRONGTYPE, with the command', async () => {
      await redis.set('a-string', 'x');
      const error = await errorOf(() => redis.hget('a-string', 'field'));
      expectBug(error, 'hget', /^Redis command HGET failed: WRONGTYPE /);
    });

    it('never puts the arguments (session data, token hashes) in the message', async () => {
      const error = await errorOf(() => redis.hset('a-string', 'secret-field', 'secret-value'));
      expect((toRedisError(error) as Error).message).not.toMatch(/secret/);
    });
  });

  it('leaves errors that are not from Redis as they are', () => {
    for (const error of [new Error('something else'), new HttpException('x', 418), new TypeError('bad'), 'text']) {
      expect(toRedisError(error)).toBe(error);
    }
    const outage = new StoreUnavailableError('mongo');
    expect(toRedisError(outage)).toBe(outage);
  });

  it('redisCall rethrows the classified error and passes results through', async () => {
    const server = await start(serverArgs);
    const redis = track(clientOf(server.port));
    await redis.connect();
    await expect(redisCall(() => redis.set('key', 'value'))).resolves.toBe('OK');
    await server.stop();
    await expect(redisCall(() => redis.get('key'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
