import { HealthIndicatorService } from '@nestjs/terminus';
import type { Cluster } from 'ioredis';
import { freePorts, RedisCluster } from '../../test/support/redis-cluster';
import { RedisProcess, serverArgs } from '../../test/support/redis-process';
import { sleep } from '../../test/support/server-process';
import { createRedisClient, RedisClient } from '../redis/redis.client';
import { RedisHealthIndicator } from './redis.health';

/** The Redis health check against real servers in each state it must tell apart. */

const WRITE = { writeReplicas: 0, writeTimeout: 500 };

const ready = (client: RedisClient) =>
  client.status === 'ready' ? Promise.resolve() : new Promise<void>((done) => client.once('ready', () => done()));

function indicatorOf(client: RedisClient): RedisHealthIndicator {
  return new RedisHealthIndicator(client, new HealthIndicatorService());
}

/** Polls the check until it gives `expected`'s status; returns that result. */
async function eventually(indicator: RedisHealthIndicator, status: 'up' | 'down') {
  for (let i = 0; ; i++) {
    const result = await indicator.check('redis');
    if (result.redis.status === status || i > 100) return result;
    await sleep(100);
  }
}

describe('RedisHealthIndicator', () => {
  describe('one server', () => {
    let master: RedisProcess;
    let replica: RedisProcess;
    const clients: RedisClient[] = [];
    const clientOf = (port: number) => {
      const client = createRedisClient({ topology: 'standalone', url: `redis://127.0.0.1:${port}`, ...WRITE });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      const [masterPort, replicaPort] = await freePorts(2);
      master = await RedisProcess.start(masterPort, serverArgs(masterPort));
      replica = await RedisProcess.start(replicaPort, [
        ...serverArgs(replicaPort),
        '--replicaof',
        '127.0.0.1',
        String(masterPort),
      ]);
    });
    afterAll(async () => {
      clients.forEach((client) => client.disconnect());
      await Promise.all([master?.stop(), replica?.stop()]);
    });

    it('is up on a master', async () => {
      const client = clientOf(master.port);
      await ready(client);
      expect(await indicatorOf(client).check('redis')).toEqual({ redis: { status: 'up' } });
    });

    it('is down, "read-only replica", when connected to a replica', async () => {
      const client = clientOf(replica.port);
      await ready(client);
      expect(await indicatorOf(client).check('redis')).toEqual({
        redis: { status: 'down', message: 'read-only replica' },
      });
    });

    it('is down, "unreachable", when the server is gone, and up again when it is back', async () => {
      const [port] = await freePorts(1);
      let server = await RedisProcess.start(port, serverArgs(port));
      const client = clientOf(port);
      await ready(client);
      const indicator = indicatorOf(client);
      expect((await indicator.check('redis')).redis.status).toBe('up');

      await server.stop();
      expect(await eventually(indicator, 'down')).toEqual({ redis: { status: 'down', message: 'unreachable' } });

      server = await RedisProcess.start(port, serverArgs(port));
      try {
        expect(await eventually(indicator, 'up')).toEqual({ redis: { status: 'up' } });
      } finally {
        await server.stop();
      }
    });

    it('is down, "unreachable", when the server hangs, without the driver\'s words', async () => {
      const [port] = await freePorts(1);
      const server = await RedisProcess.start(port, serverArgs(port));
      const client = clientOf(port);
      await ready(client);
      server.pause();
      try {
        expect(await indicatorOf(client).check('redis')).toEqual({ redis: { status: 'down', message: 'unreachable' } });
      } finally {
        await server.stop();
      }
    });
  });

  describe('a Redis Cluster', () => {
    let cluster: RedisCluster;
    let client: Cluster;
    beforeAll(async () => {
      cluster = await RedisCluster.start({ masters: 3 });
      client = createRedisClient({
        topology: 'cluster',
        nodes: [{ host: '127.0.0.1', port: cluster.nodes[0].port }],
        tls: false,
        ...WRITE,
      }) as Cluster;
      client.on('error', () => undefined);
      await ready(client);
    }, 90_000);
    afterAll(async () => {
      client?.disconnect();
      await cluster?.stop();
    });

    it('is up when every master says cluster_state:ok', async () => {
      expect(await indicatorOf(client).check('redis')).toEqual({ redis: { status: 'up' } });
    });

    it('is down, "cluster state fail", when a slot has no owner', async () => {
      // The owner of slot 0 forgets it: that node now sees a slot uncovered, so its state is fail.
      const owner = await cluster.onNode(cluster.nodes[0].port, async (redis) => {
        const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
        return Number(ranges.find(([start]) => start === 0)![2][1]);
      });
      await cluster.onNode(owner, (redis) => redis.call('CLUSTER', 'DELSLOTS', '0'));
      try {
        expect(await indicatorOf(client).check('redis')).toEqual({
          redis: { status: 'down', message: 'cluster state fail' },
        });
      } finally {
        await cluster.onNode(owner, (redis) => redis.call('CLUSTER', 'ADDSLOTS', '0'));
      }
      expect(await eventually(indicatorOf(client), 'up')).toEqual({ redis: { status: 'up' } });
    });

    it('is down when a master is gone: "unreachable", then "cluster state fail" once the others notice', async () => {
      const masters = client.nodes('master').map((node) => node.options.port);
      const victim = cluster.nodes.find((node) => node.port === masters[0])!;
      await victim.stop();
      // Which one depends on timing: the client's slot map (refreshed every 5 s) may already have
      // dropped the dead node by the time the other masters fail the cluster (cluster-node-timeout).
      const result = await eventually(indicatorOf(client), 'down');
      expect(result.redis.status).toBe('down');
      expect(['unreachable', 'cluster state fail']).toContain((result.redis as { message?: string }).message);
    });
  });
});
