import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractRoutes } from './support/api-routes';
import { inBrowser } from './support/browser';
import { Stack, startStack, STRATEGY } from './support/stack';

/** Where tokens exist, sign them with ES256 so that GET /.well-known/jwks.json exists too. */
const ASYMMETRIC = STRATEGY !== 'session';

describe(`Swagger UI at /docs, API in ${STRATEGY} mode${ASYMMETRIC ? ' with ES256' : ''}`, () => {
  let stack: Stack;
  let keyDir: string | undefined;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (ASYMMETRIC) {
      keyDir = mkdtempSync(join(tmpdir(), 'browser-keys-'));
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      env.JWT_ALGORITHM = 'ES256';
      env.JWT_PRIVATE_KEY_FILE = join(keyDir, 'private.pem');
      env.JWT_PUBLIC_KEY_FILE = join(keyDir, 'public.pem');
      writeFileSync(env.JWT_PRIVATE_KEY_FILE, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(env.JWT_PUBLIC_KEY_FILE, publicKey.export({ type: 'spki', format: 'pem' }));
    }
    stack = await startStack({ env });
  });
  afterAll(async () => {
    await stack?.close();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('renders in the browser and lists every route API.md promises in this mode, and no other', () =>
    inBrowser(stack.browser, async ({ page, console }) => {
      await page.goto(`${stack.api.url}/docs`);
      await page.locator('.opblock').first().waitFor();
      expect(await page.locator('.info .title').textContent()).toContain('nest-dual-auth');

      const rendered = await page.$$eval('.opblock', (blocks) =>
        blocks.map((block) => {
          const method = block.querySelector('.opblock-summary-method')?.textContent ?? '?';
          const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '?';
          return `${method.toUpperCase()} ${path}`;
        }),
      );
      expect(rendered.sort()).toEqual(contractRoutes(STRATEGY, ASYMMETRIC));

      // The credentials of this mode are offered in the Authorize dialog.
      await page.click('.auth-wrapper .authorize');
      const schemes = (await page.locator('.auth-container h4').allTextContents()).join(' | ');
      expect(schemes.includes('bearer')).toBe(STRATEGY !== 'session');
      expect(schemes.includes('cookie')).toBe(STRATEGY !== 'jwt');

      // helmet's Content-Security-Policy lets Swagger UI run: no blocked script, no page error.
      expect(console.filter((line) => line.startsWith('[error]') || line.startsWith('[pageerror]'))).toEqual([]);
    }));
});
