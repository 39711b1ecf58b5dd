import { problemsOf } from '../../test/support/config-problems';
import { loadConfig } from './config.schema';

const STRONG = 'a-production-secret-that-is-long-enough-0123456789';
const PRODUCTION = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://mongo:27017/app',
  SESSION_SECRET: STRONG,
  JWT_SECRET: `${STRONG}-jwt`,
};
const SENTINEL = { REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b:26379', REDIS_SENTINEL_MASTER: 'mymaster' };

describe('Redis configuration', () => {
  describe('the three topologies', () => {
    it('has no Redis, and memory sessions, when none is set', () => {
      const config = loadConfig({});
      expect(config.redis).toBeUndefined();
      expect(config.sessionStore).toBe('memory');
    });

    it('REDIS_URL: one server, the URL as given (ioredis reads credentials, TLS and database from it)', () => {
      const config = loadConfig({ REDIS_URL: 'rediss://app:s3cret@redis.internal:6380/2' });
      expect(config.redis).toEqual({
        topology: 'standalone',
        url: 'rediss://app:s3cret@redis.internal:6380/2',
        writeReplicas: 0,
        writeTimeout: 500,
      });
      expect(config.sessionStore).toBe('redis');
    });

    it('REDIS_CLUSTER_NODES: seed nodes, with the credentials and TLS of their URLs', () => {
      const config = loadConfig({
        REDIS_CLUSTER_NODES:
          'rediss://app:p%40ss@node-a:7000, rediss://app:p%40ss@node-b, rediss://app:p%40ss@[::1]:7002/0',
      });
      expect(config.redis).toEqual({
        topology: 'cluster',
        nodes: [
          { host: 'node-a', port: 7000 },
          { host: 'node-b', port: 6379 },
          { host: '::1', port: 7002 },
        ],
        username: 'app',
        password: 'p@ss',
        tls: true,
        writeReplicas: 0,
        writeTimeout: 500,
      });
      expect(config.sessionStore).toBe('redis');
    });

    it('REDIS_CLUSTER_NODES without credentials: plain TCP, no AUTH', () => {
      const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000' });
      expect(config.redis).toMatchObject({ username: undefined, password: undefined, tls: false });
    });

    it('REDIS_SENTINELS with REDIS_SENTINEL_MASTER: the master Sentinel names, and the credentials given', () => {
      const config = loadConfig({
        ...SENTINEL,
        REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.7:26380,[fd00::1]:26381',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD: 'data-secret',
        REDIS_TLS: 'true',
        REDIS_WRITE_REPLICAS: '1',
        REDIS_WRITE_TIMEOUT: '250',
      });
      expect(config.redis).toEqual({
        topology: 'sentinel',
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: '10.0.0.7', port: 26380 },
          { host: 'fd00::1', port: 26381 },
        ],
        name: 'mymaster',
        sentinelPassword: 'sentinel-secret',
        username: 'app',
        password: 'data-secret',
        tls: true,
        writeReplicas: 1,
        writeTimeout: 250,
      });
      expect(config.sessionStore).toBe('redis');
    });

    it.each([
      ['REDIS_URL', { REDIS_URL: 'redis://redis:6379' }],
      ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'redis://node-a:7000' }],
      ['REDIS_SENTINELS', SENTINEL],
    ])('%s counts as "Redis is configured" in production', (_variable, redis) => {
      expect(loadConfig({ ...PRODUCTION, ...redis }).sessionStore).toBe('redis');
    });
  });

  describe('refusals, one line each', () => {
    it.each([
      [
        'two topologies',
        { REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'redis://b:7000' },
        'REDIS_URL, REDIS_CLUSTER_NODES: set only one Redis topology: REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS',
      ],
      [
        'all three topologies',
        { REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'redis://b:7000', ...SENTINEL },
        'REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS: set only one Redis topology: REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS',
      ],
      [
        'a REDIS_URL that is no Redis URL',
        { REDIS_URL: 'http://redis:6379' },
        'REDIS_URL: must be a redis:// or rediss:// URL',
      ],
      [
        'a cluster seed that is not a URL',
        { REDIS_CLUSTER_NODES: 'redis://a:7000,node-b:7001' },
        'REDIS_CLUSTER_NODES: "node-b:7001" is not a redis:// or rediss:// URL',
      ],
      [
        'a cluster seed with another scheme, its password not echoed',
        { REDIS_CLUSTER_NODES: 'http://user:hunter2@a:7000' },
        'REDIS_CLUSTER_NODES: "http://user:***@a:7000" is not a redis:// or rediss:// URL',
      ],
      [
        'a cluster seed naming a database',
        { REDIS_CLUSTER_NODES: 'redis://a:7000/3' },
        'REDIS_CLUSTER_NODES: "redis://a:7000/3" names a database: a cluster has only database 0',
      ],
      [
        'a cluster seed with query options',
        { REDIS_CLUSTER_NODES: 'redis://a:7000?family=6' },
        'REDIS_CLUSTER_NODES: "redis://a:7000?family=6" has query options, which are not read',
      ],
      [
        'cluster seeds mixing TLS and plain TCP',
        { REDIS_CLUSTER_NODES: 'rediss://a:7000,redis://b:7001' },
        'REDIS_CLUSTER_NODES: mixes redis:// and rediss://: every node of a cluster is reached the same way',
      ],
      [
        'cluster seeds with different credentials',
        { REDIS_CLUSTER_NODES: 'redis://app:one@a:7000,redis://app:two@b:7001' },
        'REDIS_CLUSTER_NODES: the seed URLs carry different credentials: give every one the same',
      ],
      [
        'sentinels without a master name',
        { REDIS_SENTINELS: 'sentinel-a:26379' },
        'REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS',
      ],
      [
        'a sentinel without a port',
        { ...SENTINEL, REDIS_SENTINELS: 'sentinel-a' },
        'REDIS_SENTINELS: "sentinel-a" is not host:port',
      ],
      [
        'a sentinel given as a URL',
        { ...SENTINEL, REDIS_SENTINELS: 'redis://sentinel-a:26379' },
        'REDIS_SENTINELS: "redis://sentinel-a:26379" is not host:port',
      ],
      [
        'a sentinel port out of range',
        { ...SENTINEL, REDIS_SENTINELS: 'sentinel-a:70000' },
        'REDIS_SENTINELS: "sentinel-a:70000" is not host:port',
      ],
      [
        'a master name without sentinels',
        { REDIS_URL: 'redis://a:6379', REDIS_SENTINEL_MASTER: 'mymaster' },
        'REDIS_SENTINEL_MASTER: applies only with REDIS_SENTINELS',
      ],
      [
        'a sentinel password without sentinels',
        { REDIS_SENTINEL_PASSWORD: 'secret' },
        'REDIS_SENTINEL_PASSWORD: applies only with REDIS_SENTINELS',
      ],
      [
        'REDIS_PASSWORD with a URL',
        { REDIS_URL: 'redis://a:6379', REDIS_PASSWORD: 'secret' },
        'REDIS_PASSWORD: applies only with REDIS_SENTINELS: with a URL, put credentials and rediss:// in it',
      ],
      [
        'REDIS_USERNAME with cluster URLs',
        { REDIS_CLUSTER_NODES: 'redis://a:7000', REDIS_USERNAME: 'app' },
        'REDIS_USERNAME: applies only with REDIS_SENTINELS: with a URL, put credentials and rediss:// in it',
      ],
      [
        'REDIS_TLS with a URL',
        { REDIS_URL: 'redis://a:6379', REDIS_TLS: 'true' },
        'REDIS_TLS: applies only with REDIS_SENTINELS: with a URL, put credentials and rediss:// in it',
      ],
      [
        'write replicas without Redis',
        { REDIS_WRITE_REPLICAS: '1' },
        'REDIS_WRITE_REPLICAS: needs Redis: set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS',
      ],
      [
        'negative write replicas',
        { REDIS_URL: 'redis://a:6379', REDIS_WRITE_REPLICAS: '-1' },
        'REDIS_WRITE_REPLICAS: must be 0 or more replicas',
      ],
      [
        'fractional write replicas',
        { REDIS_URL: 'redis://a:6379', REDIS_WRITE_REPLICAS: '1.5' },
        'REDIS_WRITE_REPLICAS: must be an integer',
      ],
      [
        'a write timeout of 0 (WAIT would block forever)',
        { REDIS_URL: 'redis://a:6379', REDIS_WRITE_TIMEOUT: '0' },
        'REDIS_WRITE_TIMEOUT: must be a positive number of milliseconds',
      ],
      [
        'a write timeout that is no number',
        { REDIS_URL: 'redis://a:6379', REDIS_WRITE_TIMEOUT: 'soon' },
        'REDIS_WRITE_TIMEOUT: must be an integer',
      ],
      ['REDIS_TLS that is no boolean', { ...SENTINEL, REDIS_TLS: 'maybe' }, /^REDIS_TLS: /],
    ])('refuses %s', (_label, env, line) => {
      const problems = problemsOf(env);
      expect(problems).toHaveLength(1);
      if (typeof line === 'string') expect(problems[0]).toBe(line);
      else expect(problems[0]).toMatch(line);
    });

    it('refuses SESSION_STORE=redis with no topology, naming all three', () => {
      expect(problemsOf({ SESSION_STORE: 'redis' })).toEqual([
        'REDIS_URL: is required when SESSION_STORE=redis (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS)',
      ]);
    });

    it('reports every problem at once', () => {
      const problems = problemsOf({
        REDIS_URL: 'redis://a:6379',
        REDIS_SENTINELS: 'nope',
        REDIS_WRITE_TIMEOUT: '-5',
      });
      expect(problems.map((line) => line.slice(0, line.indexOf(':')))).toEqual(
        expect.arrayContaining([
          'REDIS_WRITE_TIMEOUT',
          'REDIS_URL, REDIS_SENTINELS',
          'REDIS_SENTINELS',
          'REDIS_SENTINEL_MASTER',
        ]),
      );
      expect(problems).toHaveLength(4);
    });
  });
});
