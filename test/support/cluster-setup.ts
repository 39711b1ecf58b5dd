import { RedisCluster } from './redis-cluster';
import redisGlobalSetup from './redis.global-setup';
import redisGlobalTeardown from './redis.global-teardown';

/** Shared by the cluster projects' globalSetup and globalTeardown, which Jest runs in one process. */
interface ClusterRun {
  cluster: Promise<RedisCluster>;
  users: number;
}
const state = globalThis as typeof globalThis & { __e2eRedisCluster?: ClusterRun };

/**
 * globalSetup of the `e2e:cluster:<mode>` projects: one 3-master Redis Cluster on free ports for
 * the whole run (each selected project calls this; the first starts it, the others reuse it).
 * The workers find its seed URLs in TEST_REDIS_CLUSTER_NODES; topology.cluster.ts makes
 * startApp use them. Without redis-server and redis-cli the run fails here, before any spec.
 */
export default async function startCluster(): Promise<void> {
  const run = (state.__e2eRedisCluster ??= { cluster: RedisCluster.start({ masters: 3 }), users: 0 });
  run.users += 1;
  const cluster = await run.cluster;
  process.env.TEST_REDIS_CLUSTER_NODES = cluster.seedUrls.join(',');
  // The private standalone Redis too: the specs that start server processes of their own use it.
  await redisGlobalSetup();
}

/** globalTeardown: the last project to finish stops the cluster. */
export async function stopCluster(): Promise<void> {
  const run = state.__e2eRedisCluster;
  if (!run) return;
  run.users -= 1;
  if (run.users > 0) return;
  state.__e2eRedisCluster = undefined;
  await Promise.all([(await run.cluster).stop(), redisGlobalTeardown()]);
}
