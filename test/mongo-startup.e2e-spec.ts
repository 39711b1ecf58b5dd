import { REDIS_URL, STRATEGY } from './support/app';
import { freePort, ServerProcess } from './support/server-process';

/*
 * No MongoDB server can run on the CI machines, but an unreachable one can: a local port nobody
 * listens on refuses every connection, as a MongoDB that is down does.
 */
describe('start-up with MongoDB unreachable', () => {
  const CONNECT_TIMEOUT_SECONDS = 2;
  /**
   * Spawning ts-node, compiling and booting Nest takes a few seconds on a busy 2-core machine;
   * 25 s on top of the timeout is generous for that and still well under the 35 to 53 s of
   * retries this replaces (and under MongoDB's own 15 s server selection plus Nest's start-up).
   */
  const BOUND_MS = CONNECT_TIMEOUT_SECONDS * 1000 + 25_000;

  it('exits 1 within MONGODB_CONNECT_TIMEOUT with one JSON log line naming the cause, credentials hidden', async () => {
    const port = await freePort();
    const started = Date.now();
    const { code, stdout, stderr } = await ServerProcess.runToExit(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        AUTH_STRATEGY: STRATEGY,
        REDIS_URL,
        DATA_STORE: 'mongo',
        MONGODB_URI: `mongodb://ann:s3cret-pw@127.0.0.1:${port}/never-reached?authSource=admin`,
        MONGODB_CONNECT_TIMEOUT: String(CONNECT_TIMEOUT_SECONDS),
      },
      BOUND_MS + 10_000,
    );
    const elapsedMs = Date.now() - started;

    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 60,
      context: 'MongoDB',
      msg: `MongoDB unreachable at mongodb://127.0.0.1:${port}/never-reached: connect ECONNREFUSED 127.0.0.1:${port} (gave up after ${CONNECT_TIMEOUT_SECONDS} s, MONGODB_CONNECT_TIMEOUT)`,
    });
    expect(stdout).not.toMatch(/s3cret-pw|ann:|authSource/);
    // Not before the timeout (it waited for MongoDB) and not much after it.
    expect(elapsedMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_SECONDS * 1000);
    expect(elapsedMs).toBeLessThan(BOUND_MS);
  }, 60_000);
});
