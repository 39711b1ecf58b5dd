import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD } from './support/api-client';
import { inBrowser } from './support/browser';
import { ClientPage, metres } from './support/client-page';
import { RESULTS_DIR, ROOT } from './support/paths';
import { Stack, startStack, STRATEGY } from './support/stack';

type Point = [number, number];
const TROCADERO: Point = [2.2874, 48.8616];
const CHAILLOT: Point = [2.288, 48.862]; // ~63 m from the Trocadéro
const EIFFEL_TOWER: Point = [2.2945, 48.8584]; // ~630 m
const BERLIN: Point = [13.3777, 52.5163]; // ~880 km

/**
 * How the page proves who it is. It reads the mode from the API; `both` defaults to the
 * cookie, and there `?mode=jwt` makes the page use tokens instead (both are accepted).
 */
interface ClientCase {
  label: string;
  query: string;
  mode: string;
  flow: 'cookie' | 'token';
  /** Tells this case's posts and account apart from another case's on the same server. */
  tag: string;
}

const DEFAULT_CASE: ClientCase = {
  label: STRATEGY === 'jwt' ? 'token flow (mode read from the API)' : 'cookie flow (mode read from the API)',
  query: '',
  mode: STRATEGY,
  flow: STRATEGY === 'jwt' ? 'token' : 'cookie',
  tag: '',
};
const TOKEN_IN_BOTH: ClientCase = {
  label: 'token flow (?mode=jwt)',
  query: '?mode=jwt',
  mode: 'jwt',
  flow: 'token',
  tag: '+jwt',
};
const CASES = STRATEGY === 'both' ? [DEFAULT_CASE, TOKEN_IN_BOTH] : [DEFAULT_CASE];

describe(`the example web client, API in ${STRATEGY} mode`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  describe.each(CASES)('$label', (client) => {
    it('registers, logs in, posts, lists the posts near a point, logs out; a reload after logout shows logged out', () =>
      inBrowser(stack.browser, async ({ context, page }) => {
        const web = new ClientPage(page, stack.clientOrigin);
        expect(await web.open(client.query)).toBe('out');
        expect(await web.statusText()).toBe('Logged out');
        expect(await web.mode()).toEqual({ mode: client.mode, flow: client.flow });

        const email = `ann${client.tag}@example.com`;
        expect(await web.register(email, PASSWORD, 'Ann')).toEqual({
          kind: 'ok',
          text: `Registered ${email}. Now log in.`,
        });
        expect(await web.login(email, PASSWORD)).toEqual({ kind: 'ok', text: 'Logged in.' });
        expect(await web.loginState()).toBe('in');
        expect(await web.statusText()).toBe(`Logged in as ${email} (Ann)`);

        const near = `Hello from the Palais de Chaillot${client.tag}`;
        const farther = `Hello from the Eiffel Tower${client.tag}`;
        const far = `Hallo aus Berlin${client.tag}`;
        for (const [text, point] of [
          [farther, EIFFEL_TOWER],
          [far, BERLIN],
          [near, CHAILLOT],
        ] as const) {
          expect(await web.createPost(text, point)).toEqual({
            kind: 'ok',
            text: `Posted "${text}" at [${point.join(', ')}].`,
          });
        }

        const { message, items } = await web.listNear(TROCADERO, 2000);
        expect(message.kind).toBe('ok');
        const ours = items.filter((item) => [near, farther, far].includes(item.text));
        // Nearest first, with the distance in metres; Berlin is 880 km away.
        expect(ours.map((item) => item.text)).toEqual([near, farther]);
        expect(metres(ours[0].distance)).toBeGreaterThan(50);
        expect(metres(ours[0].distance)).toBeLessThan(80);
        expect(metres(ours[1].distance)).toBeGreaterThan(600);
        expect(metres(ours[1].distance)).toBeLessThan(660);

        if (STRATEGY === 'session') await saveScreenshotOfTheClient(page);

        if (client.flow === 'cookie') {
          // The HttpOnly cookie survives a reload: the page asks GET /auth/me and is still logged in.
          expect(await web.reload()).toBe('in');
          expect(await web.statusText()).toBe(`Logged in as ${email} (Ann)`);
        } else {
          // Tokens live in the page's memory only: a reload forgets them (documented in the README).
          expect(await web.reload()).toBe('out');
          expect(await web.login(email, PASSWORD)).toEqual({ kind: 'ok', text: 'Logged in.' });
        }
        // After the reload the page can still write (cookie flow: it fetched a fresh CSRF token).
        expect(await web.createPost(`Still here${client.tag}`, CHAILLOT)).toMatchObject({ kind: 'ok' });

        const sid = (await context.cookies(stack.api.url)).find((cookie) => cookie.name === 'sid');
        expect(await web.logout()).toEqual({ kind: 'ok', text: 'Logged out.' });
        expect(await web.loginState()).toBe('out');
        expect(await web.reload()).toBe('out');
        expect(await web.statusText()).toBe('Logged out');

        if (client.flow === 'cookie') {
          // Logout ended the session in the store, not just in this browser: the old cookie is worthless.
          expect(sid).toBeDefined();
          const replay = await fetch(`${stack.api.url}/auth/me`, { headers: { Cookie: `sid=${sid?.value}` } });
          expect(replay.status).toBe(401);
          expect((await context.cookies(stack.api.url)).map((cookie) => cookie.name)).not.toContain('sid');
        }
      }));

    if (client.flow === 'cookie') {
      it('keeps the session cookie out of reach of page scripts (HttpOnly, SameSite=Lax)', () =>
        inBrowser(stack.browser, async ({ context, page }) => {
          const web = new ClientPage(page, stack.clientOrigin);
          await web.open(client.query);
          const email = `cookie-check${client.tag}@example.com`;
          await web.register(email, PASSWORD);
          expect(await web.login(email, PASSWORD)).toMatchObject({ kind: 'ok' });

          // The browser holds the cookie for the API's origin (cookies ignore ports: the whole localhost)...
          const sid = (await context.cookies(stack.api.url)).find((cookie) => cookie.name === 'sid');
          expect(sid).toMatchObject({ domain: 'localhost', path: '/', httpOnly: true, sameSite: 'Lax', secure: false });
          // ...and it is the live credential: requests of this browser context carry it.
          const me = await context.request.get(`${stack.api.url}/auth/me`);
          expect(me.status()).toBe(200);
          expect(await me.json()).toMatchObject({ email });

          // ...yet no script sees it: neither the client page nor a page of the API's own origin.
          expect(await page.evaluate(() => document.cookie)).not.toMatch(/(^|;\s*)sid=/);
          const apiPage = await context.newPage();
          await apiPage.goto(`${stack.api.url}/health`);
          expect(await apiPage.evaluate(() => document.cookie)).not.toMatch(/(^|;\s*)sid=/);
        }));
    } else {
      it('keeps the tokens in memory only: no cookie, nothing in Web Storage', () =>
        inBrowser(stack.browser, async ({ context, page }) => {
          const web = new ClientPage(page, stack.clientOrigin);
          await web.open(client.query);
          const email = `token-check${client.tag}@example.com`;
          await web.register(email, PASSWORD);
          expect(await web.login(email, PASSWORD)).toMatchObject({ kind: 'ok' });
          expect(await web.createPost('A post with a bearer token', CHAILLOT)).toMatchObject({ kind: 'ok' });

          const storage = await page.evaluate(() => ({
            cookie: document.cookie,
            local: Object.keys(localStorage).length,
            session: Object.keys(sessionStorage).length,
          }));
          expect(storage).toEqual({ cookie: '', local: 0, session: 0 });
          if (STRATEGY === 'jwt') {
            // jwt mode has no session cookie at all.
            expect((await context.cookies(stack.api.url)).map((cookie) => cookie.name)).not.toContain('sid');
          }
        }));

      describe('with an access token that expires in 3 s', () => {
        const ACCESS_TTL = 3;
        let short: Stack;
        beforeAll(async () => {
          short = await startStack({ env: { JWT_ACCESS_TTL: String(ACCESS_TTL) } });
        });
        afterAll(() => short?.close());

        it('renews it with POST /auth/refresh and retries, once even for requests sent together', () =>
          inBrowser(short.browser, async ({ page }) => {
            const refreshes: number[] = [];
            const writes: number[] = [];
            page.on('response', (response) => {
              const url = response.url();
              if (url === `${short.api.url}/auth/refresh`) refreshes.push(response.status());
              if (url.startsWith(`${short.api.url}/posts`)) writes.push(response.status());
            });
            const web = new ClientPage(page, short.clientOrigin);
            await web.open(client.query);
            const email = `refresh${client.tag}@example.com`;
            await web.register(email, PASSWORD);
            expect(await web.login(email, PASSWORD)).toMatchObject({ kind: 'ok' });

            await page.waitForTimeout(ACCESS_TTL * 1000 + 1500);
            expect(await web.createPost('After the first expiry', CHAILLOT)).toMatchObject({ kind: 'ok' });
            expect(refreshes).toEqual([200]);
            expect(writes).toEqual([401, 201]);

            // Both forms at once, with an expired token: two 401s, but only one refresh (a second
            // refresh with the same token would be taken for reuse and end the whole family).
            await page.waitForTimeout(ACCESS_TTL * 1000 + 1500);
            const before = Number(await page.locator('#message').getAttribute('data-seq'));
            await page.evaluate(() => {
              (document.getElementById('post-form') as HTMLFormElement).requestSubmit();
              (document.getElementById('near-form') as HTMLFormElement).requestSubmit();
            });
            await page.waitForFunction(
              (seq) => Number(document.getElementById('message')?.dataset.seq) >= seq + 2,
              before,
            );
            expect(refreshes).toEqual([200, 200]);
            expect(writes.slice(2).sort((a, b) => a - b)).toEqual([200, 201, 401, 401]);
            expect(await web.loginState()).toBe('in');
          }));
      });
    }
  });
});

/**
 * The README's picture of the client, taken after the flow in session mode: always under
 * test-results/, and as docs/web-client.png when UPDATE_DOCS_SCREENSHOT=1.
 */
async function saveScreenshotOfTheClient(page: import('playwright-core').Page): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, 'web-client-session.png');
  await page.screenshot({ path, fullPage: true });
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    copyFileSync(path, join(ROOT, 'docs', 'web-client.png'));
  }
}
