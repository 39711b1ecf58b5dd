import Redis, { Cluster } from 'ioredis';
import { freePorts, RedisCluster } from '../../test/support/redis-cluster';
import { RedisProcess, serverArgs } from '../../test/support/redis-process';
import { StoreUnavailableError } from '../common/store-unavailable.error';
import { createRedisClient, RedisClient } from './redis.client';
import { RedisCommandError } from './redis-errors';
import { RedisWrites, ReplicasNotConfirmedError } from './redis-writes';

/**
 * RedisWrites on real replication: a master with a replica, and a Redis Cluster whose masters
 * each have one. A replica frozen with SIGSTOP stands for one that lags or is cut off: it keeps
 * its connection open and acknowledges nothing.
 */

const TIMEOUT_MS = 300;

/** A plain connection to one port, for the test to look at a server. */
async function onPort<T>(port: number, look: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  try {
    await redis.connect();
    return await look(redis);
  } finally {
    redis.disconnect();
  }
}

/** How many WAIT commands a server has run. */
const waitCalls = (port: number) =>
  onPort(port, async (redis) => Number(/cmdstat_wait:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0));

const ready = (client: RedisClient) =>
  client.status === 'ready' ? Promise.resolve() : new Promise<void>((done) => client.once('ready', () => done()));

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('RedisWrites', () => {
  describe('on a master with one replica', () => {
    let master: RedisProcess;
    let replica: RedisProcess;
    let client: RedisClient;
    const writes = (replicas: number) => new RedisWrites(client, replicas, TIMEOUT_MS);

    beforeAll(async () => {
      const [masterPort, replicaPort] = await freePorts(2);
      master = await RedisProcess.start(masterPort, serverArgs(masterPort));
      replica = await RedisProcess.start(replicaPort, [
        ...serverArgs(replicaPort),
        ...['--replicaof', '127.0.0.1', String(masterPort)],
      ]);
      // The replica has synced once it answers with the master's data.
      await onPort(masterPort, (redis) => redis.set('sync-probe', '1'));
      for (let i = 0; (await onPort(replicaPort, (redis) => redis.get('sync-probe'))) !== '1'; i++) {
        if (i > 300) throw new Error('the replica did not sync');
        await new Promise((done) => setTimeout(done, 50));
      }
      client = createRedisClient({
        topology: 'standalone',
        url: `redis://127.0.0.1:${masterPort}`,
        writeReplicas: 1,
        writeTimeout: TIMEOUT_MS,
      });
      await ready(client);
    }, 60_000);
    afterAll(async () => {
      client?.disconnect();
      await Promise.all([master?.stop(), replica?.stop()]);
    });

    it('with 1 replica: resolves with the replies once the replica has the write', async () => {
      const before = await waitCalls(master.port);
      const replies = await writes(1).commit((tx) => tx.set('w:a', 'one').hset('w:h', 'f', 'v').expire('w:h', 60));
      expect(replies).toEqual(['OK', 1, 1]);
      expect(await waitCalls(master.port)).toBe(before + 1);
      // WAIT returned: the replica has applied it already, no polling needed.
      expect(await onPort(replica.port, (redis) => redis.get('w:a'))).toBe('one');
      expect(await onPort(replica.port, (redis) => redis.hget('w:h', 'f'))).toBe('v');
    });

    it('with 0 replicas: one MULTI/EXEC and no WAIT', async () => {
      const before = await waitCalls(master.port);
      expect(await writes(0).commit((tx) => tx.set('w:b', 'two').get('w:b'))).toEqual(['OK', 'two']);
      expect(await waitCalls(master.port)).toBe(before);
    });

    it('runs scripts defined on the client inside the transaction', async () => {
      client.defineCommand('incrTwice', {
        numberOfKeys: 1,
        lua: "redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[1])",
      });
      const replies = await writes(1).commit((tx) =>
        (tx as unknown as { incrTwice(key: string): void }).incrTwice('w:n'),
      );
      expect(replies).toEqual([2]);
    });

    it('with the replica frozen: StoreUnavailableError after the timeout, naming the shortfall', async () => {
      replica.pause();
      try {
        const started = Date.now();
        const error = await rejectionOf(writes(1).commit((tx) => tx.set('w:c', 'three')));
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).cause).toBeInstanceOf(ReplicasNotConfirmedError);
        expect((error as StoreUnavailableError).cause).toMatchObject({
          confirmed: 0,
          wanted: 1,
          timeoutMs: TIMEOUT_MS,
        });
        // WAIT does not undo anything: the master has the write; the caller must not promise it survives.
        expect(await onPort(master.port, (redis) => redis.get('w:c'))).toBe('three');
      } finally {
        replica.resume();
      }
    });

    it('asking more replicas than there are: StoreUnavailableError', async () => {
      const error = await rejectionOf(writes(2).commit((tx) => tx.set('w:d', 'four')));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).cause).toMatchObject({ confirmed: 1, wanted: 2 });
    });

    it('on the replica itself (READONLY while queueing): StoreUnavailableError, nothing written', async () => {
      const onReplica = createRedisClient({
        topology: 'standalone',
        url: `redis://127.0.0.1:${replica.port}`,
        writeReplicas: 1,
        writeTimeout: TIMEOUT_MS,
      });
      onReplica.on('error', () => undefined);
      try {
        await ready(onReplica);
        const error = await rejectionOf(new RedisWrites(onReplica, 1, TIMEOUT_MS).commit((tx) => tx.set('w:e', 'x')));
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(String((error as StoreUnavailableError).cause)).toMatch(/READONLY/);
      } finally {
        onReplica.disconnect();
      }
    });

    it('a command Redis refuses at run time (WRONGTYPE) is a bug, named', async () => {
      const error = await rejectionOf(writes(1).commit((tx) => tx.set('w:f', 'x').hset('w:f', 'a', 'b')));
      expect(error).toBeInstanceOf(RedisCommandError);
      expect(error.message).toMatch(/^Redis command HSET failed: WRONGTYPE/);
    });

    it('a command Redis refuses while queueing (wrong arguments) is a bug, named', async () => {
      const error = await rejectionOf(writes(1).commit((tx) => tx.call('EXPIRE', 'w:g')));
      expect(error).toBeInstanceOf(RedisCommandError);
      expect(error.message).toMatch(/^Redis command EXPIRE failed: ERR wrong number of arguments/);
    });
  });

  describe('on a Redis Cluster with one replica per master', () => {
    let cluster: RedisCluster;
    let client: Cluster;
    /** The master that owns `key`'s slot and its replica, from CLUSTER SLOTS. */
    let ownerOf: (key: string) => Promise<{ master: number; replica: number }>;

    beforeAll(async () => {
      cluster = await RedisCluster.start({ masters: 3, replicasPerMaster: 1 });
      client = createRedisClient({
        topology: 'cluster',
        nodes: [{ host: '127.0.0.1', port: cluster.nodes[0].port }],
        tls: false,
        writeReplicas: 1,
        writeTimeout: TIMEOUT_MS,
      }) as Cluster;
      await ready(client);
      ownerOf = (key) =>
        cluster.onNode(cluster.nodes[0].port, async (redis) => {
          const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
          const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, ...Array<[string, number]>]>;
          const [, , owner, copy] = ranges.find(([start, end]) => start <= slot && slot <= end)!;
          return { master: Number(owner[1]), replica: Number(copy[1]) };
        });
    }, 120_000);
    afterAll(async () => {
      client?.disconnect();
      await cluster?.stop();
    });

    it("sends WAIT to the master of the keys' slot, whose replica then has the write", async () => {
      const keys = ['{u:42}fam', '{u:42}idx'];
      const { master, replica } = await ownerOf(keys[0]);
      const before = await Promise.all(cluster.nodes.map((node) => waitCalls(node.port)));

      const replies = await new RedisWrites(client, 1, TIMEOUT_MS).commit((tx) =>
        tx.hset(keys[0], 'hash', 'h1').sadd(keys[1], 'f1').expire(keys[1], 60),
      );

      expect(replies).toEqual([1, 1, 1]);
      const after = await Promise.all(cluster.nodes.map((node) => waitCalls(node.port)));
      const waited = cluster.nodes.filter((_node, i) => after[i] > before[i]).map((node) => node.port);
      expect(waited).toEqual([master]);
      expect(
        await cluster.onNode(replica, (redis) => redis.call('READONLY').then(() => redis.hget(keys[0], 'hash'))),
      ).toBe('h1');
    });

    it("with that master's replica frozen: StoreUnavailableError", async () => {
      const { replica } = await ownerOf('{u:7}fam');
      const frozen = cluster.nodes.find((node) => node.port === replica)!;
      frozen.pause();
      try {
        const error = await rejectionOf(new RedisWrites(client, 1, TIMEOUT_MS).commit((tx) => tx.set('{u:7}fam', 'x')));
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).cause).toBeInstanceOf(ReplicasNotConfirmedError);
      } finally {
        frozen.resume();
      }
    });

    it('keys of different slots: a bug (RedisCommandError)', async () => {
      const error = await rejectionOf(
        new RedisWrites(client, 1, TIMEOUT_MS).commit((tx) => tx.set('rt:fam:f1', 'x').sadd('rt:user:u1', 'f1')),
      );
      expect(error).toBeInstanceOf(RedisCommandError);
    });
  });
});
