import { REDIS_URL, STRATEGY } from './support/app';
import { freePort, SERVER_START_TIMEOUT_MS, ServerProcess } from './support/server-process';

/*
 * No MongoDB server can run on the CI machines, but an unreachable one can: a local port nobody
 * listens on refuses every connection, as a MongoDB that is down does.
 */
describe('start-up with MongoDB unreachable', () => {
  const CONNECT_TIMEOUT_SECONDS = 2;

  it(
    'exits 1 within MONGODB_CONNECT_TIMEOUT with one JSON log line naming the cause, credentials hidden',
    async () => {
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
        SERVER_START_TIMEOUT_MS,
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
      // Not before the timeout: it waited for MongoDB. How long after it depends on how fast this
      // machine compiles and boots the app (ts-node); the line above says it gave up after 2 s.
      expect(elapsedMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_SECONDS * 1000);
    },
    SERVER_START_TIMEOUT_MS + 10_000,
  );
});
