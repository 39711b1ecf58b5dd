import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { freePorts } from './redis-cluster';
import { onServer, RedisProcess } from './redis-process';
import { sleep } from './server-process';

export interface RedisSentinelOptions {
  /** Name the sentinels monitor the master under. Default `mymaster`. */
  name?: string;
  /** requirepass (and masterauth) of the master and the replica; the sentinels get it as auth-pass. */
  password?: string;
  /** requirepass of the sentinels themselves (REDIS_SENTINEL_PASSWORD). */
  sentinelPassword?: string;
}

/** Discovery (INFO every 10 s, hello messages every 2 s) and a failover, on a very busy machine. */
const SETTLE_TIMEOUT_MS = 60_000;

export interface Failover {
  from: number;
  to: number;
}

/**
 * One master, one replica and three sentinels (quorum 2), child processes on free ports with
 * their configuration in a temporary directory (sentinels rewrite theirs), no persistence.
 * `failover()` runs SENTINEL FAILOVER and waits until it is over everywhere.
 */
export class RedisSentinelSet {
  readonly name: string;

  private constructor(
    private readonly options: RedisSentinelOptions,
    /** The two data nodes by port; which one is master changes with each failover. */
    readonly dataNodes: RedisProcess[],
    readonly sentinels: RedisProcess[],
    private readonly dir: string,
  ) {
    this.name = options.name ?? 'mymaster';
  }

  static async start(options: RedisSentinelOptions = {}): Promise<RedisSentinelSet> {
    const name = options.name ?? 'mymaster';
    const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
    const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5);
    const started: RedisProcess[] = [];
    const auth = options.password ? ['--requirepass', options.password, '--masterauth', options.password] : [];
    const dataArgs = (port: number) => [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no', ...auth],
      // Quick detection of a replica that went away, so WAIT and health see it soon.
      ...['--repl-timeout', '5', '--repl-ping-replica-period', '1'],
    ];
    try {
      started.push(await RedisProcess.start(masterPort, dataArgs(masterPort), `master ${masterPort}`));
      started.push(
        await RedisProcess.start(
          replicaPort,
          [...dataArgs(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)],
          `replica ${replicaPort}`,
        ),
      );
      const set = new RedisSentinelSet(options, started.slice(0, 2), [], dir);
      await set.waitFor('the replica to sync', async () => (await set.roleOf(replicaPort)).synced);

      for (const port of sentinelPorts) {
        const file = join(dir, `sentinel-${port}.conf`);
        writeFileSync(
          file,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${dir}`,
            `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
            `sentinel down-after-milliseconds ${name} 1000`,
            `sentinel failover-timeout ${name} 10000`,
            `sentinel parallel-syncs ${name} 1`,
            ...(options.password ? [`sentinel auth-pass ${name} ${quoted(options.password)}`] : []),
            ...(options.sentinelPassword
              ? [
                  `requirepass ${quoted(options.sentinelPassword)}`,
                  `sentinel sentinel-pass ${quoted(options.sentinelPassword)}`,
                ]
              : []),
            '',
          ].join('\n'),
        );
        const sentinel = await RedisProcess.start(port, [file, '--sentinel'], `sentinel ${port}`);
        started.push(sentinel);
        set.sentinels.push(sentinel);
      }
      await set.waitUntilSettled();
      return set;
    } catch (error) {
      await Promise.all(started.map((node) => node.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The variables of CONFIG.md that point the service at this set. */
  get env(): Record<string, string | undefined> {
    return {
      REDIS_SENTINELS: this.sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
      REDIS_SENTINEL_MASTER: this.name,
      REDIS_SENTINEL_PASSWORD: this.options.sentinelPassword,
      REDIS_PASSWORD: this.options.password,
    };
  }

  /** The master's port, as the first sentinel answers it. */
  async masterPort(): Promise<number> {
    return this.onSentinel(this.sentinels[0].port, async (sentinel) => {
      const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
      return Number(port);
    });
  }

  /**
   * SENTINEL FAILOVER, retried while the sentinels are not ready for it (NOGOODSLAVE: the
   * replica was not seen recently enough; INPROG), then waits until every sentinel names the new
   * master, it says it is master, and the old master has become its replica and resynced.
   */
  async failover(): Promise<Failover> {
    const from = await this.masterPort();
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      try {
        await this.onSentinel(this.sentinels[0].port, (sentinel) => sentinel.call('SENTINEL', 'FAILOVER', this.name));
        break;
      } catch (error) {
        if (!/NOGOODSLAVE|INPROG/.test((error as Error).message) || Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
    const to = this.dataNodes.map((node) => node.port).find((port) => port !== from)!;
    await this.waitFor(`the failover from ${from} to ${to}`, async () => {
      const everySentinel = (await this.masterPortFromEach()).every((port) => port === to);
      const [promoted, demoted] = await Promise.all([this.roleOf(to), this.roleOf(from)]);
      return everySentinel && promoted.role === 'master' && demoted.role === 'slave' && demoted.synced;
    });
    return { from, to };
  }

  /** A plain connection to one data node (with the password), for the test to look at it. */
  onNode<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
    return onServer(port, { password: this.options.password }, command);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.dataNodes].map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** ROLE of a data node, and whether a replica's link to its master is up. */
  async roleOf(port: number): Promise<{ role: string; synced: boolean }> {
    return this.onNode(port, async (redis) => {
      const replication = await redis.info('replication');
      const role = /role:(\w+)/.exec(replication)?.[1] ?? 'unknown';
      return { role, synced: role === 'slave' && /master_link_status:up/.test(replication) };
    }).catch(() => ({ role: 'unreachable', synced: false }));
  }

  private async masterPortFromEach(): Promise<number[]> {
    return Promise.all(
      this.sentinels.map((sentinel) =>
        this.onSentinel(sentinel.port, async (client) => {
          const [, port] = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
          return Number(port);
        }).catch(() => -1),
      ),
    );
  }

  /** Every sentinel knows the replica (in good standing) and the two other sentinels. */
  private async waitUntilSettled(): Promise<void> {
    await this.waitFor('the sentinels to discover the replica and each other', async () => {
      const views = await Promise.all(
        this.sentinels.map((sentinel) =>
          this.onSentinel(sentinel.port, async (client) => {
            const master = toRecord((await client.call('SENTINEL', 'MASTER', this.name)) as string[]);
            const replicas = ((await client.call('SENTINEL', 'REPLICAS', this.name)) as string[][]).map(toRecord);
            return (
              master['num-other-sentinels'] === String(this.sentinels.length - 1) &&
              replicas.length === 1 &&
              replicas[0].flags === 'slave' &&
              replicas[0]['master-link-status'] === 'ok'
            );
          }).catch(() => false),
        ),
      );
      return views.every(Boolean);
    });
  }

  private onSentinel<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
    return onServer(port, { password: this.options.sentinelPassword }, command);
  }

  private async waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (!(await check())) {
      if (Date.now() > deadline) {
        const logs = [...this.dataNodes, ...this.sentinels].map((node) => `--- ${node.label}\n${node.logs}`).join('\n');
        throw new Error(`waited ${SETTLE_TIMEOUT_MS} ms for ${what}\n${logs}`);
      }
      await sleep(200);
    }
  }
}

/** SENTINEL MASTER / REPLICAS answer flat [field, value, ...] lists. */
function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

/** A value for a redis.conf line, which may hold spaces. */
const quoted = (value: string) => JSON.stringify(value);
