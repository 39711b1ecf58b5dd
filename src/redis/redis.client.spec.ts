import { rmSync } from 'node:fs';
import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import request from 'supertest';
import { PASSWORD, uniqueEmail } from '../../test/support/client';
import { freePorts, RedisCluster } from '../../test/support/redis-cluster';
import { RedisProcess, serverArgs } from '../../test/support/redis-process';
import { RedisSentinelSet } from '../../test/support/redis-sentinel';
import { ServerProcess, sleep } from '../../test/support/server-process';
import { makeTestCertificates, TestCertificates, tlsServerArgs } from '../../test/support/tls-certificates';
import { StoreUnavailableError } from '../common/store-unavailable.error';
import { loadConfig } from '../config/config.schema';
import { createRedisClient, isReady, RedisClient } from './redis.client';
import { toRedisError } from './redis-errors';

/**
 * The client factory on each topology, as configured from the environment (loadConfig), against
 * real servers: credentials and TLS from the URLs, a cluster from one seed, the master that
 * Sentinel names, fail-fast and recovery.
 */

const clientFor = (env: Record<string, string | undefined>): RedisClient => {
  const client = createRedisClient(loadConfig(env).redis!);
  client.on('error', () => undefined);
  return client;
};

/** Polls until `check` holds; the count bounds it (each round sleeps 50 ms). */
async function until(what: string, check: () => boolean | Promise<boolean>, rounds = 400): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > rounds) throw new Error(`${what}: not after ${rounds} polls`);
    await sleep(50);
  }
}

const clientId = async (client: RedisClient) => Number(await client.call('CLIENT', 'ID'));

describe('createRedisClient', () => {
  describe('one server (REDIS_URL)', () => {
    const cleanup: Array<() => unknown> = [];
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    it('takes the password and the database from the URL', async () => {
      const [port] = await freePorts(1);
      const server = await RedisProcess.start(port, [...serverArgs(port), '--requirepass', 'p@ss word']);
      cleanup.push(() => server.stop());
      const client = clientFor({ REDIS_URL: `redis://:${encodeURIComponent('p@ss word')}@127.0.0.1:${port}/3` });
      cleanup.push(() => client.disconnect());
      await until('ready', () => isReady(client));
      expect(await client.call('CLIENT', 'INFO')).toMatch(/ db=3 /);

      const wrong = clientFor({ REDIS_URL: `redis://:wrong@127.0.0.1:${port}` });
      cleanup.push(() => wrong.disconnect());
      const refusal = await wrong.get('key').catch((error: Error) => error);
      expect(toRedisError(refusal)).toBeInstanceOf(StoreUnavailableError);
    });

    it('fails fast while the server is down and recovers by itself when it is back', async () => {
      const [port] = await freePorts(1);
      let server = await RedisProcess.start(port, serverArgs(port));
      const client = clientFor({ REDIS_URL: `redis://127.0.0.1:${port}` });
      cleanup.push(() => client.disconnect());
      await until('ready', () => isReady(client));

      await server.stop();
      // No offline queue: rejected at once, not held until a timeout; an outage, not a bug.
      const error = await client.set('key', 'value').catch((rejection: Error) => rejection);
      expect(toRedisError(error)).toBeInstanceOf(StoreUnavailableError);

      server = await RedisProcess.start(port, serverArgs(port));
      cleanup.push(() => server.stop());
      await until('reconnected', () => isReady(client));
      expect(await client.set('key', 'value')).toBe('OK');
    });

    it('reconnects when its server turns into a replica (READONLY), as a moved DNS name needs', async () => {
      const [port, otherPort] = await freePorts(2);
      const server = await RedisProcess.start(port, serverArgs(port));
      const other = await RedisProcess.start(otherPort, serverArgs(otherPort));
      cleanup.push(
        () => server.stop(),
        () => other.stop(),
      );
      const client = clientFor({ REDIS_URL: `redis://127.0.0.1:${port}` });
      cleanup.push(() => client.disconnect());
      await until('ready', () => isReady(client));
      const before = await clientId(client);

      await client.call('REPLICAOF', '127.0.0.1', String(otherPort));
      const refused = await client.set('key', 'value').catch((error: Error) => error);
      expect(String(refused)).toMatch(/READONLY/);
      expect(toRedisError(refused)).toBeInstanceOf(StoreUnavailableError);
      await until(
        'a new connection',
        async () => isReady(client) && (await clientId(client).catch(() => before)) !== before,
      );
    });
  });

  describe('a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
    let cluster: RedisCluster;
    let client: Cluster;
    beforeAll(async () => {
      cluster = await RedisCluster.start({ masters: 3, password: 'cluster secret' });
      // One seed is enough: the client learns the other masters from it.
      client = clientFor({ REDIS_CLUSTER_NODES: cluster.seedUrls[0] }) as Cluster;
      await until('ready', () => isReady(client));
    }, 90_000);
    afterAll(async () => {
      client?.disconnect();
      await cluster?.stop();
    });

    it('reaches every master from one seed URL, with the credentials of the URL', () => {
      expect(
        client
          .nodes('master')
          .map((node) => node.options.port)
          .sort(),
      ).toEqual(cluster.nodes.map((node) => node.port).sort());
      expect(client.nodes('master').every((node) => node.options.password === 'cluster secret')).toBe(true);
    });

    it('follows keys to their slots: many concurrent commands on every node succeed', async () => {
      const keys = Array.from({ length: 60 }, (_v, i) => `key-${i}`);
      expect(await Promise.all(keys.map((key) => client.set(key, key)))).toEqual(keys.map(() => 'OK'));
      expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
    });

    it('a new client answers concurrent first commands: every node is connected before use', async () => {
      const fresh = clientFor({ REDIS_CLUSTER_NODES: cluster.seedUrls.join(',') }) as Cluster;
      try {
        await until('ready', () => isReady(fresh));
        const keys = Array.from({ length: 30 }, (_v, i) => `fresh-${i}`);
        expect(await Promise.all(keys.map((key) => fresh.get(key)))).toEqual(keys.map(() => null));
      } finally {
        fresh.disconnect();
      }
    });
  });

  describe('Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER)', () => {
    let sentinels: RedisSentinelSet;
    beforeAll(async () => {
      sentinels = await RedisSentinelSet.start({ password: 'data secret', sentinelPassword: 'sentinel secret' });
    }, 90_000);
    afterAll(() => sentinels?.stop());

    it('connects to the master the sentinels name, with both passwords', async () => {
      const client = clientFor(sentinels.env) as Redis;
      try {
        await until('ready', () => isReady(client));
        expect((await client.role())[0]).toBe('master');
        expect(client.stream.remotePort).toBe(await sentinels.masterPort());
      } finally {
        client.disconnect();
      }
    });

    it('never connects with a wrong sentinel password, and says so as an outage', async () => {
      const client = clientFor({ ...sentinels.env, REDIS_SENTINEL_PASSWORD: 'wrong' });
      try {
        await sleep(500);
        expect(client.status).not.toBe('ready');
        const error = await client.get('key').catch((rejection: Error) => rejection);
        expect(toRedisError(error)).toBeInstanceOf(StoreUnavailableError);
      } finally {
        client.disconnect();
      }
    });
  });

  describe('TLS (rediss://): the service, with the CA in NODE_EXTRA_CA_CERTS', () => {
    let certificates: TestCertificates;
    beforeAll(() => {
      certificates = makeTestCertificates();
    });
    afterAll(() => rmSync(certificates.dir, { recursive: true, force: true }));

    /** Runs the real server on `env`, registers and logs in with a cookie, and checks /health. */
    async function serveOn(env: Record<string, string>): Promise<void> {
      const server = await ServerProcess.start({
        env: { ...env, AUTH_STRATEGY: 'session', LOG_LEVEL: 'warn', NODE_EXTRA_CA_CERTS: certificates.ca },
      });
      try {
        // The server listens before its Redis client is connected (a cluster client discovers
        // every node over TLS first): /health answers 503 until then, which a busy machine makes
        // last. The count bounds the wait; the answer once it is up is checked whole below.
        await until('GET /health 200', async () => (await request(server.url).get('/health')).status === 200, 1200);
        await request(server.url)
          .get('/health')
          .expect(200, {
            status: 'ok',
            info: { redis: { status: 'up' } },
            error: {},
            details: { redis: { status: 'up' } },
          });
        const email = uniqueEmail('tls');
        await request(server.url).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
        const login = await request(server.url).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
        await request(server.url).get('/auth/me').set('Cookie', login.headers['set-cookie']).expect(200);
      } finally {
        await server.stop();
      }
    }

    it('one server over TLS', async () => {
      const [port] = await freePorts(1);
      const server = await RedisProcess.start(
        port,
        [...serverArgs(port), ...tlsServerArgs(port, certificates)],
        'tls server',
        certificates.ca,
      );
      try {
        await serveOn({ REDIS_URL: `rediss://localhost:${port}` });

        // Without the CA the certificate is refused: TLS is verified, not merely used.
        const untrusting = clientFor({ REDIS_URL: `rediss://localhost:${port}` });
        const refusal = new Promise<Error>((done) => untrusting.once('error', done));
        expect(String(await refusal)).toMatch(/certificate/);
        expect(untrusting.status).not.toBe('ready');
        untrusting.disconnect();
      } finally {
        await server.stop();
      }
    }, 90_000);

    it('a cluster over TLS', async () => {
      const cluster = await RedisCluster.start({ masters: 3, tls: certificates });
      try {
        await serveOn({ REDIS_CLUSTER_NODES: cluster.seedUrls[0] });
      } finally {
        await cluster.stop();
      }
    }, 240_000); // a hang detector: three TLS nodes and a server starting on a busy machine
  });
});
