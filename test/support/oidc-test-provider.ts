import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, SERVER_START_TIMEOUT_MS } from './server-process';

/** The client the SSO specs register at the test provider. */
export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  /** Whether its logout tokens carry the provider session (`sid`); true unless said otherwise. */
  backchannel_logout_session_required?: boolean;
}

/** Every provider still running in this worker: killed if the worker exits without a teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * A real OpenID Provider (oidc-provider, test/support/oidc-provider.mjs) in a child process:
 * ESM-only, it cannot be loaded by Jest itself. Its development login form takes any login
 * name; see the script for how a name sets the account's email claims.
 */
export class OidcTestProvider {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly output: () => string,
  ) {}

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts it (on `port`, or a free one) and resolves once it listens. The wait is a hang
   * detector, as for the server (SERVER_START_TIMEOUT_MS): node loads oidc-provider in well under
   * a second on an idle machine, far longer on a busy one.
   */
  static async start(clients: TestClient | TestClient[], port?: number): Promise<OidcTestProvider> {
    const listenOn = port ?? (await freePort());
    const child = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        OP_PORT: String(listenOn),
        OP_CLIENTS: JSON.stringify([clients].flat()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let text = '';
    const ready = new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`the OpenID provider did not start in ${SERVER_START_TIMEOUT_MS} ms:\n${text}`)),
        SERVER_START_TIMEOUT_MS,
      );
      const capture = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (/^ready /m.test(text)) {
          clearTimeout(timer);
          done();
        }
      };
      child.stdout?.on('data', capture);
      child.stderr?.on('data', capture);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`the OpenID provider exited (${code}) during start-up:\n${text}`));
      });
    });
    const provider = new OidcTestProvider(child, listenOn, () => text);
    try {
      await ready;
    } catch (error) {
      await provider.stop();
      throw error;
    }
    return provider;
  }

  /** What it wrote so far (its warnings, errors): for a failing spec's message. */
  get log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
