import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { onServer, RedisProcess } from './redis-process';
import { TestCertificates, tlsServerArgs } from './tls-certificates';
import { freePort, sleep } from './server-process';

export interface RedisClusterOptions {
  /** Masters, each with an equal share of the 16384 slots. Default 3 (the smallest cluster Redis accepts). */
  masters?: number;
  /** Replicas per master. Default 0. */
  replicasPerMaster?: number;
  /** cluster-node-timeout: how long a node may be silent before it is failed. Default 5000 ms. */
  nodeTimeoutMs?: number;
  /** requirepass (and masterauth) of every node. */
  password?: string;
  /** Serve TLS only (clients, the cluster bus and replication), with these certificates. */
  tls?: TestCertificates;
}

/** Forming a cluster is a few gossip rounds; this bounds a very busy machine. */
const FORM_TIMEOUT_MS = 60_000;

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * A throw-away Redis Cluster of child processes on free ports (and free cluster-bus ports,
 * `cluster-port`), formed with `redis-cli --cluster create`, no persistence, in a temporary
 * directory that stop() removes.
 */
export class RedisCluster {
  private constructor(
    readonly nodes: RedisProcess[],
    private readonly dir: string,
    private readonly password?: string,
    private readonly tls?: TestCertificates,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    const replicas = options.replicasPerMaster ?? 0;
    const total = masters * (1 + replicas);
    const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    const ports = await freePorts(total * 2);
    const nodes: RedisProcess[] = [];
    try {
      for (let i = 0; i < total; i++) {
        const [port, busPort] = [ports[2 * i], ports[2 * i + 1]];
        nodes.push(
          await RedisProcess.start(
            port,
            [
              ...(options.tls
                ? [...tlsServerArgs(port, options.tls), '--tls-cluster', 'yes', '--tls-replication', 'yes']
                : ['--port', String(port)]),
              ...['--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
              ...['--cluster-port', String(busPort), '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
              ...['--cluster-node-timeout', String(options.nodeTimeoutMs ?? 5000)],
              ...['--dir', dir, '--save', '', '--appendonly', 'no'],
              ...(options.password ? ['--requirepass', options.password, '--masterauth', options.password] : []),
            ],
            `cluster node ${port}`,
            options.tls?.ca,
          ),
        );
      }
      const cluster = new RedisCluster(nodes, dir, options.password, options.tls);
      // redis-cli makes the first `masters` addresses masters and gives each its replicas.
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
        ...(options.password ? ['-a', options.password, '--no-auth-warning'] : []),
        ...(options.tls ? ['--tls', '--cacert', options.tls.ca] : []),
      ]);
      await cluster.waitUntilFormed(total, replicas);
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** redis:// URLs of every node (with the password), for REDIS_CLUSTER_NODES. */
  get seedUrls(): string[] {
    const auth = this.password ? `:${encodeURIComponent(this.password)}@` : '';
    return this.nodes.map((node) => `${this.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${node.port}`);
  }

  /** A plain (non-cluster) connection to one node, for the test to look at it. */
  /** Runs `command` on one node and closes the connection. */
  onNode<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
    const tls = this.tls ? { ca: readFileSync(this.tls.ca) } : undefined;
    return onServer(port, { password: this.password, tls }, command);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every node sees every other, cluster_state:ok, and (with replicas) every replica has synced. */
  private async waitUntilFormed(total: number, replicas: number): Promise<void> {
    const deadline = Date.now() + FORM_TIMEOUT_MS;
    let last = '';
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((node) =>
          this.onNode(node.port, async (redis) => {
            const info = await redis.cluster('INFO');
            const replication = await redis.info('replication');
            // Every slot range lists its master and all its replicas: this node knows the whole layout.
            const ranges = (await redis.call('CLUSTER', 'SLOTS')) as unknown[][];
            const layout = ranges.length > 0 && ranges.every((range) => range.length === 3 + replicas);
            const ok = /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${total}\\b`).test(info);
            const synced = !/role:slave/.test(replication) || /master_link_status:up/.test(replication);
            return { ok: ok && synced && layout, what: `${node.port}: ${info.split('\r\n').slice(0, 6).join(' ')}` };
          }).catch((error: Error) => ({ ok: false, what: `${node.port}: ${error.message}` })),
        ),
      );
      if (states.every((state) => state.ok)) return;
      last = states.map((state) => state.what).join('\n');
      if (Date.now() > deadline) {
        throw new Error(
          `the cluster did not form within ${FORM_TIMEOUT_MS} ms (replicas per master: ${replicas}):\n${last}`,
        );
      }
      await sleep(200);
    }
  }
}

/** Runs a command to completion; rejects with its output if it fails. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: FORM_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}
