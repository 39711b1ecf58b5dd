import type { AxiosStatic } from 'axios';
import { randomUUID } from 'node:crypto';
import { ClientServer, startClientServer } from '../../examples/web-client/serve';
import { NodeApi, PASSWORD, post, uniqueEmail } from './support/api-client';
import { AttackServer, startAttackServer } from './support/attack-server';
import { eventually, inBrowser } from './support/browser';
import { ClientPage } from './support/client-page';
import { Stack, startStack, STRATEGY } from './support/stack';

/** What a page can do with the API from its origin: read an answer, or only fail. */
async function tryToRead(page: import('playwright-core').Page, apiUrl: string) {
  return page.evaluate(async (api) => {
    const { axios } = window as unknown as { axios: AxiosStatic };
    const viaFetch = await fetch(`${api}/health`, { credentials: 'include' }).then(
      (res) => `read ${res.status}`,
      (error: Error) => `${error.name}: ${error.message}`,
    );
    const viaAxios = await axios.get(`${api}/health`, { withCredentials: true }).then(
      (res) => `read ${res.status}`,
      (error: { code?: string; response?: unknown }) =>
        `${error.code} ${error.response ? 'with' : 'without'} a response`,
    );
    return { viaFetch, viaAxios };
  }, apiUrl);
}

describe(`cross-origin protections in a real browser, API in ${STRATEGY} mode`, () => {
  let stack: Stack;
  let attacker: AttackServer;
  /** The same web client, served from an origin the API does not list in CORS_ORIGINS. */
  let stranger: ClientServer;

  beforeAll(async () => {
    stack = await startStack({ crossSiteClient: true });
    attacker = await startAttackServer();
    stranger = await startClientServer({ host: '127.0.0.1', port: 0, apiUrl: stack.api.url });
  });
  afterAll(() => Promise.allSettled([stack?.close(), attacker?.close(), stranger?.close()]));

  it('a page from an origin not in CORS_ORIGINS cannot read API responses, nor send it JSON', () =>
    inBrowser(stack.browser, async ({ page, console }) => {
      const origin = `http://127.0.0.1:${stranger.port}`;
      const web = new ClientPage(page, origin);
      // The page cannot read /docs-json (its mode) nor /auth/me: it says so instead of guessing.
      expect(await web.open()).toBe('error');
      expect(await web.statusText()).toContain(`is ${origin} in CORS_ORIGINS?`);
      await eventually(
        () => console.some((line) => line.includes(`from origin '${origin}' has been blocked by CORS policy`)),
        'Chromium to report the CORS block in the console',
      );

      // A simple GET reaches the server, but the browser withholds the answer from the page.
      expect(await tryToRead(page, stack.api.url)).toEqual({
        viaFetch: 'TypeError: Failed to fetch',
        viaAxios: 'ERR_NETWORK without a response',
      });
      // Control: the very same calls from the listed origin read the answer.
      const listed = await page.context().newPage();
      await listed.goto(stack.clientOrigin);
      expect(await tryToRead(listed, stack.api.url)).toEqual({ viaFetch: 'read 200', viaAxios: 'read 200' });

      // A JSON write needs a preflight, which gets no CORS approval: the POST is never sent.
      const email = uniqueEmail('stranger');
      await web.open(`?mode=${STRATEGY}`);
      const registered = await web.register(email, PASSWORD);
      expect(registered.kind).toBe('error');
      expect(registered.text).toContain('CORS_ORIGINS');
      // So the account does not exist: registering it directly works (409 if it existed).
      expect((await post(stack.api.url, '/auth/register', { email, password: PASSWORD })).status).toBe(201);
    }));

  if (STRATEGY === 'jwt') {
    it('a page on another site, its origin in CORS_ORIGINS, works with bearer tokens', () =>
      inBrowser(stack.browser, async ({ page }) => {
        const web = new ClientPage(page, stack.crossSiteOrigin ?? '');
        expect(await web.open()).toBe('out');
        const email = uniqueEmail('cross-site');
        expect(await web.register(email, PASSWORD)).toMatchObject({ kind: 'ok' });
        expect(await web.login(email, PASSWORD)).toMatchObject({ kind: 'ok' });
        expect(await web.createPost('Posted from another site', [2.2945, 48.8584])).toMatchObject({ kind: 'ok' });
        expect(await web.loginState()).toBe('in');
      }));
  } else {
    it('a page on another site, its origin in CORS_ORIGINS, cannot keep a SameSite=Lax session', () =>
      inBrowser(stack.browser, async ({ context, page }) => {
        const web = new ClientPage(page, stack.crossSiteOrigin ?? '');
        // CORS lets the page read answers...
        expect(await web.open()).toBe('out');
        expect(await web.mode()).toEqual({ mode: STRATEGY, flow: 'cookie' });
        const email = uniqueEmail('cross-site');
        expect(await web.register(email, PASSWORD)).toMatchObject({ kind: 'ok' });
        expect(await web.login(email, PASSWORD)).toMatchObject({ kind: 'ok' });
        // ...but the browser stores no Lax cookie from a cross-site response and sends none with one:
        // the session is lost at once (the README's "another site": COOKIE_SAMESITE=none over HTTPS).
        expect((await context.cookies(stack.api.url)).map((cookie) => cookie.name)).not.toContain('sid');
        const posted = await web.createPost('Posted from another site', [2.2945, 48.8584]);
        expect(posted).toEqual({ kind: 'error', text: '401 Authentication required' });
        expect(await web.reload()).toBe('out');
      }));
  }

  describe.each([
    {
      from: 'another site',
      host: '127.0.0.1',
      // SameSite=Lax: a cross-site POST carries no cookie at all, so it is not even authenticated.
      cookieSent: false,
      status: 401,
    },
    {
      from: 'another origin of the same site',
      host: 'localhost',
      // Same site: the cookie goes along, and the missing X-CSRF-Token stops the request.
      cookieSent: STRATEGY !== 'jwt',
      status: STRATEGY === 'jwt' ? 401 : 403,
    },
  ])('a form POST from $from ($host)', ({ host, cookieSent, status }) => {
    it(`cannot create a post while the victim is logged in (answered ${status})`, () =>
      inBrowser(stack.browser, async ({ context, page }) => {
        const victim = new ClientPage(page, stack.clientOrigin);
        await victim.open();
        const email = uniqueEmail('victim');
        await victim.register(email, PASSWORD);
        expect(await victim.login(email, PASSWORD)).toMatchObject({ kind: 'ok' });
        // Control: the victim's own page can write.
        expect(await victim.createPost('Written by the victim', [2.2945, 48.8584])).toMatchObject({ kind: 'ok' });

        const mark = `csrf-${randomUUID()}`;
        const target = `${stack.api.url}/posts`;
        const evil = await context.newPage();
        const attempt = evil.waitForResponse((res) => res.url() === target && res.request().method() === 'POST');
        await evil.goto(
          `http://${host}:${attacker.port}/form-post?target=${encodeURIComponent(target)}&text=${encodeURIComponent(mark)}`,
        );
        const response = await attempt;
        const headers = await response.request().allHeaders();

        expect(response.status()).toBe(status);
        expect(/(^|;\s*)sid=/.test(headers.cookie ?? '')).toBe(cookieSent);
        expect(headers['content-type']).toBe('text/plain');

        // Nobody's post carries the attacker's text, and the victim is still logged in.
        const witness = await NodeApi.signUp(stack.api.url, STRATEGY);
        const texts = (await witness.latestPosts()).map((p) => p.text);
        expect(texts).toContain('Written by the victim');
        expect(texts).not.toContain(mark);
        if (STRATEGY !== 'jwt') expect(await victim.reload()).toBe('in');
      }));
  });
});
