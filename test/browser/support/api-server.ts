import { ChildProcess, spawn } from 'node:child_process';
import { testRedisUrl } from '../../support/private-redis';
import { freePort } from '../../support/server-process';
import type { AuthStrategy } from '../../../src/config/config.schema';
import { SERVER_DIR, SERVER_MAIN } from './paths';

/** Servers still running in this worker: killed if the worker exits without a teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

export interface ApiServerOptions {
  strategy: AuthStrategy;
  /** Origins allowed by CORS (CORS_ORIGINS). */
  corsOrigins: string[];
  /** More variables of CONFIG.md for this server (JWT_ACCESS_TTL, JWT_ALGORITHM, ...). */
  env?: Record<string, string>;
  /** Defaults to a free port. */
  port?: number;
}

/**
 * The built server (`node dist/main.js`, from the copy global-setup.ts took) in a child
 * process, on a free port and the suite's private Redis, with nothing from this environment but PATH
 * and HOME. Its working directory holds no .env, so a developer's .env cannot leak in.
 */
export class ApiServer {
  private log = '';
  private exitCode?: number | null;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    running.add(child);
    child.once('exit', (code) => {
      running.delete(child);
      this.exitCode = code;
    });
  }

  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        AUTH_STRATEGY: options.strategy,
        DATA_STORE: 'memory',
        // The suite's private Redis (global-setup.ts).
        REDIS_URL: testRedisUrl(),
        CORS_ORIGINS: options.corsOrigins.join(','),
        // Failed logins count per IP in Redis: never let another spec's failures lock us out.
        LOGIN_MAX_ATTEMPTS: '1000',
        LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
        // Every spec registers its users from 127.0.0.1.
        REGISTER_MAX_PER_IP: '100000',
        ...options.env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ApiServer(child, port);
    try {
      await server.waitUntilHealthy(30_000);
    } catch (error) {
      await server.stop();
      throw new Error(`${(error as Error).message}\n--- server output ---\n${server.output}`);
    }
    return server;
  }

  /** The API as the pages see it: another origin (another port) of the pages' site, localhost. */
  get url(): string {
    return `http://localhost:${this.port}`;
  }

  get output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    for (;;) {
      if (this.exitCode !== undefined) throw new Error(`The server exited during start-up (code ${this.exitCode})`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
        last = `GET /health answered ${res.status}: ${await res.text()}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`The server was not healthy within ${timeoutMs} ms (${last})`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

export { freePort };
