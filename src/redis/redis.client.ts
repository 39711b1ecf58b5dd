import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis.config';

/**
 * The client every user of Redis gets (sessions, the session index, tokens, the denylist, the
 * login limits): one server, a Redis Cluster, or the master that Sentinel names.
 */
export type RedisClient = Redis | Cluster;

export const isCluster = (redis: RedisClient): redis is Cluster => redis instanceof Cluster;

/** Reconnect quickly, and keep trying: the service recovers by itself when Redis returns. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 1000);

/**
 * A node that turned into a replica (a failover behind a DNS name, or Sentinel's demoted
 * master) answers writes with READONLY: reconnect, which asks DNS or Sentinel again, instead
 * of writing to it until the process restarts. The command itself fails (503), it is not resent.
 */
const reconnectOnReadOnly = (error: Error) => error.message.startsWith('READONLY');

/**
 * Options of every connection, whatever the topology. Fail fast instead of queueing: while
 * Redis is down every command rejects at once (enableOfflineQueue: false, set per topology
 * below), so requests that need it answer 503 instead of hanging.
 */
function connectionOptions(config: RedisConfig) {
  return {
    connectTimeout: 2000,
    // A write that WAITs for replicas must get WAIT's own answer, not the client's timeout.
    commandTimeout: Math.max(2000, config.writeTimeout + 1000),
    // A command in flight when the connection drops fails (503) rather than being sent again
    // after the reconnect: a resent write may have been applied already (a refresh rotation
    // applied twice looks like token reuse), and after a failover it would reach another server.
    maxRetriesPerRequest: 0,
  } satisfies RedisOptions;
}

/** Builds the client for the configured topology. It connects at once (unless lazyConnect). */
export function createRedisClient(config: RedisConfig, extra: { lazyConnect?: boolean } = {}): RedisClient {
  const common = connectionOptions(config);
  switch (config.topology) {
    case 'standalone':
      // Credentials, TLS (rediss://) and the database come from the URL.
      return new Redis(config.url, {
        ...common,
        ...extra,
        enableOfflineQueue: false,
        retryStrategy: reconnectDelay,
        reconnectOnError: reconnectOnReadOnly,
      });
    case 'sentinel': {
      const tls = config.tls ? {} : undefined;
      return new Redis({
        ...common,
        ...extra,
        sentinels: config.sentinels,
        name: config.name,
        role: 'master',
        sentinelPassword: config.sentinelPassword,
        username: config.username,
        password: config.password,
        tls,
        enableTLSForSentinelMode: config.tls,
        sentinelTLS: tls,
        // Subscribe to +switch-master on the sentinels: on a failover the client drops the old
        // master at once instead of writing to it until it is demoted (and those writes are lost).
        failoverDetector: true,
        sentinelRetryStrategy: reconnectDelay,
        // The failover detector's own connections to a sentinel that went away (default: 60 s).
        sentinelReconnectStrategy: () => 2000,
        enableOfflineQueue: false,
        retryStrategy: reconnectDelay,
        reconnectOnError: reconnectOnReadOnly,
      });
    }
    case 'cluster': {
      const options: ClusterOptions = {
        ...extra,
        enableOfflineQueue: false,
        // CLUSTER INFO must say cluster_state:ok before the client calls itself ready.
        enableReadyCheck: true,
        clusterRetryStrategy: reconnectDelay,
        slotsRefreshTimeout: 2000,
        // Learn about failovers and resharding even when no command hits a MOVED.
        slotsRefreshInterval: 5000,
        // ioredis follows MOVED and ASK, and retries TRYAGAIN and CLUSTERDOWN (commands the
        // cluster refused, so never applied) after these delays, at most maxRedirections times;
        // then the command fails (503). A command whose node connection closed is not resent
        // (retryDelayOnFailover 0), for the reason given for maxRetriesPerRequest.
        maxRedirections: 16,
        retryDelayOnFailover: 0,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        redisOptions: {
          ...common,
          username: config.username,
          password: config.password,
          tls: config.tls ? {} : undefined,
        },
        // With TLS, connect to nodes by the name they announce, so the certificate's name is
        // checked against it (not against an IP address the name resolved to).
        ...(config.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      };
      const cluster = new Cluster(config.nodes, options);
      // ioredis connects to a node on its first command, and without an offline queue a second
      // command that finds the node still connecting fails at once ("Connection is closed."):
      // connect every node as soon as it joins the pool instead.
      cluster.on('+node', (node: Redis) => {
        if (node.status === 'wait') node.connect().catch(() => undefined);
      });
      return cluster;
    }
  }
}

/** Ready to serve: connected, and for a cluster, connected to every node it knows. */
export function isReady(redis: RedisClient): boolean {
  if (redis.status !== 'ready') return false;
  return !isCluster(redis) || redis.nodes('all').every((node) => node.status === 'ready');
}
