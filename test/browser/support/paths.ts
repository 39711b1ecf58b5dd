import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..', '..');

/** Screenshots and other output of the browser suite (gitignored). */
export const RESULTS_DIR = join(ROOT, 'test-results', 'browser');

/**
 * A copy of dist/ taken when the suite starts (global-setup.ts), so that a rebuild during
 * the run (`nest build` empties dist/ first) cannot pull the server from under it. It sits
 * inside the repository so that node_modules resolves as it does for dist/.
 */
export const SERVER_DIR = join(ROOT, 'test-results', 'browser-server');
export const SERVER_MAIN = join(SERVER_DIR, 'dist', 'main.js');

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
