import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import redisGlobalSetup from '../../support/redis.global-setup';
import { launchChromium } from './browser';
import { RESULTS_DIR, ROOT, SERVER_DIR, SERVER_MAIN } from './paths';

/**
 * Before any browser spec: the suite's private Redis must start (its URL goes to the workers
 * as REDIS_URL; the globalTeardown stops it), Chromium must start, and the built server must
 * exist. Each missing piece fails the run here, loudly: the suite never skips.
 */
export default async function globalSetup(): Promise<void> {
  await redisGlobalSetup();

  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'main.js'))) {
    throw new Error(`No built server at ${dist}/main.js: run "npm run build" (npm run test:browser does).`);
  }
  rmSync(SERVER_DIR, { recursive: true, force: true });
  cpSync(dist, join(SERVER_DIR, 'dist'), { recursive: true });
  if (!existsSync(SERVER_MAIN)) throw new Error(`Copying ${dist} to ${SERVER_DIR} failed`);
  mkdirSync(RESULTS_DIR, { recursive: true });

  const browser = await launchChromium();
  await browser.close();
}
