import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { connect as connectTls } from 'node:tls';
import Redis, { RedisOptions } from 'ioredis';
import { sleep } from './server-process';

/** Every redis-server this process started and has not stopped: killed if it exits without a teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Runs `command` on a fresh connection to the server on 127.0.0.1:`port` (no retries, no
 * reconnection: a test looking at one server must see it fail) and closes the connection.
 */
export async function onServer<T>(
  port: number,
  options: Pick<RedisOptions, 'password' | 'tls'>,
  command: (redis: Redis) => Promise<T>,
): Promise<T> {
  const redis = new Redis({
    ...options,
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return await command(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Arguments of a plain throw-away server: loopback only, no persistence; a replica loads its full
 * sync straight from the socket instead of an RDB file, and whatever file remains goes to the
 * temporary directory, never the working directory.
 */
export function serverArgs(port: number): string[] {
  return [
    ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ...['--repl-diskless-load', 'on-empty-db', '--dir', tmpdir(), '--dbfilename', `dump-${port}.rdb`],
  ];
}

/** Start-up of a redis-server is a fork and a bind: this bounds a machine that is very busy. */
const READY_TIMEOUT_MS = 15_000;

/**
 * One redis-server (or sentinel) child process on a given port, in the foreground so that the
 * test can stop, kill or freeze it (SIGSTOP) and know when it is gone. The building block of
 * the cluster and sentinel harnesses; the machine's Redis on 6379 is never touched.
 */
export class RedisProcess {
  private output = '';
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly label: string,
  ) {
    const capture = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    child.once('error', (error) => (this.output += String(error)));
    running.add(child);
    this.exit = new Promise((done) =>
      child.once('exit', () => {
        this.exited = true;
        running.delete(child);
        done();
      }),
    );
  }

  /**
   * Runs `redis-server <args>` and resolves once the port answers PING (over TLS, trusting `tlsCa`,
   * when the server serves TLS only).
   */
  static async start(
    port: number,
    args: string[],
    label = `redis-server:${port}`,
    tlsCa?: string,
  ): Promise<RedisProcess> {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new RedisProcess(child, port, label);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await answersPing(port, tlsCa))) {
      if (server.exited || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${label} did not answer PING:\n${server.output}`);
      }
      await sleep(50);
    }
    return server;
  }

  get logs(): string {
    return this.output;
  }

  get isRunning(): boolean {
    return !this.exited;
  }

  /** Freezes the process (SIGSTOP): it keeps its sockets open and answers nothing, like a hung server. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Stops it and resolves once the process is gone (SIGCONT first, in case it was paused). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGCONT');
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exit;
    clearTimeout(timer);
  }
}

/**
 * One PING over a plain socket: true once the server answers at all (+PONG; -NOAUTH from a server
 * that wants a password; -MASTERDOWN from a replica that serves no stale data).
 */
function answersPing(port: number, tlsCa?: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = tlsCa
      ? connectTls({ host: '127.0.0.1', port, ca: readFileSync(tlsCa), servername: 'localhost' })
      : connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once(tlsCa ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+') || reply.startsWith('-'));
    });
  });
}
