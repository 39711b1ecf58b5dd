import { ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';

/** The repository root: where main.ts resolves its files from, as in production. */
const ROOT = resolve(__dirname, '..', '..');

import { freePort, sleep } from '../../tools/net';

export { freePort, sleep } from '../../tools/net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * How long a server process may take to start (ts-node compiles the whole app first): a hang
 * detector, not a speed test. A few seconds on an idle 2-core machine; measured at 38 s while
 * several test suites shared it. Hooks that start servers need at least this long.
 */
export const SERVER_START_TIMEOUT_MS = 120_000;

export interface ServerProcessOptions {
  /** Environment of the server (CONFIG.md variables). PORT, NODE_ENV and LOG_LEVEL have defaults here. */
  env?: Record<string, string | undefined>;
  /** Defaults to a free port. */
  port?: number;
  /** How long start-up may take until GET /health answers (any status). */
  readyTimeoutMs?: number;
}

/** Every server still running in this worker: killed if the worker exits without a teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * The real server as `main.ts` starts it, in a child process (`node -r ts-node/register/transpile-only
 * src/main.ts`), with its stdout and stderr captured. For tests of what only a process shows: its
 * logs, several instances on one Redis, signals and shutdown.
 */
export class ServerProcess {
  private stdoutText = '';
  private stderrText = '';
  private combined = '';
  private readonly exitPromise: Promise<Exit>;
  private exitValue?: Exit;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    const capture = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (stream === 'stdout') this.stdoutText += text;
      else this.stderrText += text;
      this.combined += text;
    };
    child.stdout?.on('data', capture('stdout'));
    child.stderr?.on('data', capture('stderr'));
    running.add(child);
    this.exitPromise = new Promise((done) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitValue = { code, signal };
        done(this.exitValue);
      });
    });
  }

  /**
   * Starts several servers at once. If any fails to start, the others are stopped before the
   * failure propagates: a server left running would keep Jest from exiting.
   */
  static async startAll(all: ServerProcessOptions[]): Promise<ServerProcess[]> {
    const results = await Promise.allSettled(all.map((options) => ServerProcess.start(options)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (!failed) return started;
    await Promise.all(started.map((server) => server.stop()));
    throw failed.reason;
  }

  /** Starts the server and resolves once GET /health answers; rejects (with its output) if it exits first. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        // Only what node needs from this environment: the server sees the variables given here.
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        // Specs register their users from 127.0.0.1.
        REGISTER_MAX_PER_IP: '100000',
        ...options.env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, port);
    try {
      await server.waitUntilReady(options.readyTimeoutMs ?? SERVER_START_TIMEOUT_MS);
    } catch (error) {
      await server.stop('SIGKILL');
      throw new Error(`${(error as Error).message}\n--- server output ---\n${server.output}`);
    }
    return server;
  }

  /**
   * Runs the server with `env` until it exits by itself (a refused start-up): its code and output.
   * `cwd`: the working directory (where a `.env` would be read from); the repository by default.
   */
  static runToExit(
    env: Record<string, string | undefined>,
    timeoutMs = SERVER_START_TIMEOUT_MS,
    cwd = ROOT,
  ): Promise<{ code: number | null; stderr: string; stdout: string }> {
    return new Promise((done, fail) => {
      const args = ['-r', require.resolve('ts-node/register/transpile-only'), resolve(ROOT, 'src', 'main.ts')];
      const child = spawn(process.execPath, args, {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          // ts-node looks for tsconfig.json from the working directory.
          TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'),
          PORT: '0',
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`the server did not exit within ${timeoutMs} ms:\n${stderr}${stdout}`));
      }, timeoutMs);
      // 'close', not 'exit': the output streams are complete only then.
      child.once('close', (code) => {
        clearTimeout(timer);
        done({ code, stderr, stdout });
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** stdout and stderr, interleaved as they arrived. */
  get output(): string {
    return this.combined;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The exit code and signal once the process has ended; undefined while it runs. */
  get exit(): Exit | undefined {
    return this.exitValue;
  }

  /** Resolves when the process ends, however that happens. */
  get exited(): Promise<Exit> {
    return this.exitPromise;
  }

  /** The JSON log records written to stdout so far (pino writes one per line). */
  logRecords(): Record<string, unknown>[] {
    const records: Record<string, unknown>[] = [];
    for (const line of this.stdoutText.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line still being written, or not a log record
      }
    }
    return records;
  }

  /** Polls the captured output until `matches` holds; logs are written asynchronously. */
  async waitForOutput(matches: (server: ServerProcess) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!matches(this)) {
      if (Date.now() > deadline) throw new Error(`Expected output did not appear in ${timeoutMs} ms:\n${this.output}`);
      if (this.exitValue) throw new Error(`Server exited (${JSON.stringify(this.exitValue)}):\n${this.output}`);
      await sleep(50);
    }
  }

  /** Sends `signal` and waits for the exit; SIGKILL if it is still running after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<Exit> {
    if (this.exitValue) return this.exitValue;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitValue) throw new Error(`Server exited during start-up (${JSON.stringify(this.exitValue)})`);
      if (await answers(`${this.url}/health`)) return;
      if (Date.now() > deadline) throw new Error(`Server did not answer GET /health within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/** True when something answers HTTP at `url`, whatever the status. */
function answers(url: string): Promise<boolean> {
  return new Promise((done) => {
    const req = httpRequest(url, { timeout: 1000 }, (res) => {
      res.resume();
      done(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => done(false));
    req.end();
  });
}
