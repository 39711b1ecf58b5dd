import Redis, { Cluster } from 'ioredis';

/**
 * Which Redis the e2e suites run on in this Jest project: one server (REDIS_URL), or the
 * Redis Cluster that cluster-setup.ts started (projects `e2e:cluster:<mode>`, see jest.config.js).
 */
export type TestTopology = 'standalone' | 'cluster';

export const TOPOLOGY: TestTopology = process.env.TEST_REDIS_TOPOLOGY === 'cluster' ? 'cluster' : 'standalone';

/** The variables of CONFIG.md that choose a Redis topology. */
const TOPOLOGY_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'];

/** The variables that point the service at this project's Redis. */
export function redisEnvOf(standaloneUrl: string): Record<string, string> {
  if (TOPOLOGY === 'standalone') return { REDIS_URL: standaloneUrl };
  const nodes = process.env.TEST_REDIS_CLUSTER_NODES;
  if (!nodes) throw new Error('a cluster project without TEST_REDIS_CLUSTER_NODES: did cluster-setup.ts run?');
  return { REDIS_CLUSTER_NODES: nodes };
}

/** True when a spec's own variables name a Redis (a private server): then they replace the project's. */
export function namesRedis(env: Record<string, string | undefined>): boolean {
  return TOPOLOGY_VARIABLES.some((variable) => variable in env);
}

/** A client of the Redis that `env` names, for a spec to look at what the service stored. */
export function redisClientOf(env: Record<string, string>): Redis | Cluster {
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = env.REDIS_CLUSTER_NODES.split(',').map((url) => {
      const { hostname, port } = new URL(url);
      return { host: hostname, port: Number(port) };
    });
    return new Cluster(nodes);
  }
  return new Redis(env.REDIS_URL);
}
