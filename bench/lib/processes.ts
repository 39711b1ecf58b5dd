import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';

export { freePort, sleep } from '../../tools/net';
import { freePort, sleep } from '../../tools/net';

/** Children still running: killed if the bench exits without stopping them (a crash, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const OUTPUT_LIMIT = 20_000;

/** A child process whose output is kept (the tail of it) for error messages. */
export class Child {
  private tail = '';
  readonly exited: Promise<void>;
  private done = false;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    const keep = (chunk: Buffer) => (this.tail = (this.tail + chunk.toString()).slice(-OUTPUT_LIMIT));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', (error) => (this.tail += `\n${String(error)}`));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.done = true;
        running.delete(child);
        resolve();
      }),
    );
  }

  static spawn(name: string, command: string, args: string[], env: Record<string, string>, cwd: string): Child {
    return new Child(name, spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return !this.done;
  }

  get output(): string {
    return this.tail;
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.done) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Polls `ready` until it holds; throws with the child's output if it exits or the deadline passes. */
  async waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await ready().catch(() => false))) {
      if (this.done || Date.now() > deadline) {
        const exited = this.done; // before stop(), which makes it so
        await this.stop();
        throw new Error(
          `${this.name}: ${what} ${exited ? 'exited first' : `not within ${timeoutMs} ms`}\n${this.tail}`,
        );
      }
      await sleep(100);
    }
  }
}

/** A private, throw-away redis-server on a free loopback port: no persistence, never shared. */
export async function startRedis(dir: string): Promise<{ url: string; server: Child }> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const server = Child.spawn('redis-server', 'redis-server', args, { PATH: process.env.PATH ?? '' }, dir);
  const url = `redis://127.0.0.1:${port}`;
  await server.waitUntil('PING', () => pings(url), 10_000);
  return { url, server };
}

async function pings(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } finally {
    redis.disconnect();
  }
}

/** True once GET `url` answers 200. */
export async function answers200(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}

let ticksPerSecond: number | undefined;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
