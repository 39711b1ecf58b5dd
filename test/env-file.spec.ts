import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_START_TIMEOUT_MS, ServerProcess } from './support/server-process';

// Each test starts the server with ts-node: as long as SERVER_START_TIMEOUT_MS explains, and a little more.
jest.setTimeout(SERVER_START_TIMEOUT_MS + 30_000);

/**
 * Which file of variables the real process (main.ts) reads, seen from outside: a working
 * directory whose `.env` holds a setting the service refuses (`CORS_ORIGINS=*`), so that the
 * start-up refusal shows whether the file was read. No Redis, no MongoDB: every case stops at
 * the configuration.
 */
describe('the server process reads .env in development only, and ENV_FILE when asked', () => {
  let dir: string;
  const CORS_REFUSED = 'Invalid configuration: CORS_ORIGINS: "*" is refused';
  const problems = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('Invalid configuration: '));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'env-file-process-'));
    writeFileSync(join(dir, '.env'), 'CORS_ORIGINS=*\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('development (the default NODE_ENV) reads .env', async () => {
    const { code, stderr } = await ServerProcess.runToExit({}, SERVER_START_TIMEOUT_MS, dir);

    expect(code).toBe(1);
    expect(problems(stderr)).toEqual([expect.stringContaining(CORS_REFUSED)]);
  });

  it('real environment variables win over .env', async () => {
    const { code, stderr } = await ServerProcess.runToExit(
      { CORS_ORIGINS: 'not-an-origin' },
      SERVER_START_TIMEOUT_MS,
      dir,
    );

    expect(code).toBe(1);
    expect(problems(stderr)).toEqual([expect.stringContaining('"not-an-origin" is not an origin')]);
  });

  it('production does not read .env', async () => {
    const { code, stderr } = await ServerProcess.runToExit({ NODE_ENV: 'production' }, SERVER_START_TIMEOUT_MS, dir);

    expect(code).toBe(1);
    // Its own problems (no stores, no secrets), and nothing from the file.
    expect(problems(stderr).length).toBeGreaterThan(0);
    expect(problems(stderr).filter((line) => line.includes('CORS_ORIGINS'))).toEqual([]);
  });

  it('production reads the file ENV_FILE names', async () => {
    const { code, stderr } = await ServerProcess.runToExit(
      { NODE_ENV: 'production', ENV_FILE: '.env' },
      SERVER_START_TIMEOUT_MS,
      dir,
    );

    expect(code).toBe(1);
    expect(problems(stderr)).toContainEqual(expect.stringContaining(CORS_REFUSED));
  });

  it('an ENV_FILE that does not exist stops start-up with one line', async () => {
    const missing = join(dir, 'missing.env');
    const { code, stderr } = await ServerProcess.runToExit(
      { NODE_ENV: 'production', ENV_FILE: missing },
      SERVER_START_TIMEOUT_MS,
      dir,
    );

    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([`Invalid configuration: ENV_FILE: ${missing} does not exist`]);
  });
});
