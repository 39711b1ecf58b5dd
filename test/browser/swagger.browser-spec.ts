import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD } from './support/api-client';
import { contractRoutes } from '../support/routes';
import { inBrowser } from './support/browser';
import { Stack, startStack, STRATEGY } from './support/stack';
import { SwaggerUi } from './support/swagger-ui';

const usesSessions = STRATEGY !== 'jwt';
const usesTokens = STRATEGY !== 'session';

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
          // Swagger UI draws a lock on operations that require a credential.
          return {
            route: `${method.toUpperCase()} ${path}`,
            locked: block.querySelector('.authorization__btn') !== null,
          };
        }),
      );
      expect(rendered.map(({ route }) => route).sort()).toEqual(contractRoutes(STRATEGY, ASYMMETRIC));
      // Public routes carry no lock; every other one does.
      expect(
        rendered
          .filter(({ locked }) => !locked)
          .map(({ route }) => route)
          .sort(),
      ).toEqual(contractRoutes(STRATEGY, ASYMMETRIC, true));

      // The credentials of this mode are offered in the Authorize dialog, the CSRF header with the cookie.
      const { schemes } = await (await SwaggerUi.open(page, stack.api.url)).authorizeDialog();
      expect(schemes.sort()).toEqual([...(usesTokens ? ['bearer'] : []), ...(usesSessions ? ['cookie', 'csrf'] : [])]);

      // helmet's Content-Security-Policy lets Swagger UI run: no blocked script, no page error.
      expect(console.filter((line) => line.startsWith('[error]') || line.startsWith('[pageerror]'))).toEqual([]);
    }));

  it('"Try it out" works end to end: register, log in, who am I, create a post, read it, log out', () =>
    inBrowser(stack.browser, async ({ page, console }) => {
      const ui = await SwaggerUi.open(page, stack.api.url);
      const email = `swagger-${Date.now()}@example.com`;
      const text = `Posted through Swagger UI in ${STRATEGY} mode`;
      const location = { type: 'Point', coordinates: [2.2945, 48.8584] };

      const registered = await ui.execute('POST /auth/register', { body: { email, password: PASSWORD } });
      expect([registered.status, registered.body]).toEqual([201, expect.stringContaining(email) as string]);
      expect(await ui.isAuthorized()).toBe(false);
      const login = await ui.execute('POST /auth/login', { body: { email, password: PASSWORD } });
      expect(login.status).toBe(200);
      // Public routes get no CSRF token: they need none.
      expect(login.curl).not.toMatch(/X-CSRF-Token/i);
      // With tokens, the login response's access token is now Swagger UI's bearer credential.
      expect(await ui.isAuthorized()).toBe(usesTokens);

      const me = await ui.execute('GET /auth/me');
      expect([me.status, me.body]).toEqual([200, expect.stringContaining(email) as string]);

      const created = await ui.execute('POST /posts', { body: { text, location } });
      expect([created.status, created.body]).toEqual([201, expect.stringContaining(text) as string]);
      if (usesTokens) {
        // The bearer token proves who it is: no CSRF token needed, none fetched.
        expect(created.curl).toMatch(/Authorization: Bearer ey/);
        expect(created.curl).not.toMatch(/X-CSRF-Token/i);
      } else {
        // The cookie (which the browser sends, unseen) and the CSRF token fetched after login.
        expect(created.curl).toMatch(/X-CSRF-Token: \S+/i);
        expect(created.curl).not.toMatch(/Authorization/i);
      }
      const id = (JSON.parse(created.body) as { id: string }).id;
      const read = await ui.execute('GET /posts/{id}', { params: { id } });
      expect([read.status, read.body]).toEqual([200, expect.stringContaining(text) as string]);

      if (STRATEGY === 'both') {
        // Without the bearer token, the cookie and its CSRF token carry the request.
        expect((await ui.authorizeDialog()).authorized).toEqual(['bearer']);
        await ui.logOutOf('bearer');
        expect(await ui.isAuthorized()).toBe(false);
        const byCookie = await ui.execute('POST /posts', { body: { text: `${text}, by cookie`, location } });
        expect(byCookie.status).toBe(201);
        expect(byCookie.curl).toMatch(/X-CSRF-Token: \S+/i);
        expect(byCookie.curl).not.toMatch(/Authorization/i);
      }

      // Logout (an unsafe request too) ends the credential; a token is removed from Swagger UI.
      expect((await ui.execute('POST /auth/logout', { body: {} })).status).toBe(204);
      expect(await ui.isAuthorized()).toBe(false);
      expect((await ui.execute('GET /auth/me')).status).toBe(401);

      // Chromium reports that expected 401 as a failed resource; anything else is a problem.
      const problems = console.filter((line) => line.startsWith('[error]') || line.startsWith('[pageerror]'));
      expect(problems.filter((line) => !/status of 401 \(Unauthorized\)/.test(line))).toEqual([]);
    }));
});
