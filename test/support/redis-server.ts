import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort, sleep } from './server-process';

/** It answers within milliseconds; this only bounds a server that never will, generously for a busy machine. */
const READY_TIMEOUT_MS = 30_000;

/** Private servers still running in this worker: killed if the worker exits without a teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * A private, throw-away redis-server on a free port (no persistence): the one each test run
 * stores in (private-redis.ts), and the ones specs stop and restart. The machine's Redis on
 * 6379 is never used by the tests.
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Starts a server on a free port and resolves once it answers PING. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Starts it (again) on the same port, empty, and waits for PONG. */
  async restart(): Promise<void> {
    if (this.child) throw new Error(`redis-server on ${this.port} is already running`);
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', (error) => (output += String(error)));
    this.child = child;
    running.add(child);
    void exited.then(() => {
      running.delete(child);
      if (this.child === child) this.child = undefined;
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await pong(this.port))) {
      if (!this.child || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${this.port} did not answer PING:\n${output}`);
      }
      await sleep(50);
    }
  }

  /** Stops it (SIGTERM, or SIGKILL for a crash) and resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) done();
      else child.once('exit', () => done());
    });
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}

/** One PING over a plain socket: true on +PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
