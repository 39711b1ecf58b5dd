import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesSessions, usesTokens } from './support/app';
import { Burst, statusCounts } from './support/burst';
import { ApiClient, CREDENTIALS, nestError, PASSWORD, uniqueEmail } from './support/client';
import { OidcTestProvider, TestClient } from './support/oidc-test-provider';
import { contractRoutes } from './support/routes';
import { freePort, SERVER_START_TIMEOUT_MS } from './support/server-process';
import { SsoBrowser } from './support/sso-browser';

/**
 * Single sign-on against a real OpenID Provider (oidc-provider in a child process), in every
 * AUTH_STRATEGY: the browser's whole trip (the service's login route, the provider's login and
 * consent forms, the callback), what the callback issues, and the linking rules.
 */

const FRONT_END = 'http://front.example.test';
const ALLOWED_DOMAIN = 'sso.example.test';

/** A login name at the test provider: the account's email, verified unless `#unverified` follows. */
const ssoEmail = (label: string) => uniqueEmail(label).replace('@example.com', `@${ALLOWED_DOMAIN}`);

/** Made an admin by ADMIN_EMAILS: by password (the test's own admin client), or by its first sign-in. */
const ADMIN_EMAIL = uniqueEmail('admin');
const SSO_ADMIN_EMAIL = ssoEmail('sso-admin');

/** One service under test, as the provider knows it. */
interface Site {
  t: TestApp;
  api: string;
  client: TestClient;
}

interface Landing {
  /** The callback's response. */
  callback: Response;
  /** Where it sends the browser, without the fragment. */
  returnTo: string;
  /** The one-time code of the fragment (jwt, both). */
  code?: string;
}

describe(`single sign-on (OIDC), ${STRATEGY} mode`, () => {
  let provider: OidcTestProvider;
  let t: TestApp;
  let api: string;
  let client: TestClient;
  let main: Site;
  /** A second client, whose logout tokens carry no `sid` (backchannel_logout_session_required false). */
  let withoutSid: { port: number; client: TestClient };

  /** The client the provider registers for a service at `api`. */
  const clientFor = (api: string, clientId: string, sessionRequired = true): TestClient => ({
    client_id: clientId,
    client_secret: `${clientId}-secret`,
    redirect_uris: [`${api}/auth/oidc/callback`],
    post_logout_redirect_uris: [`${api}/`],
    backchannel_logout_uri: `${api}/auth/oidc/backchannel-logout`,
    backchannel_logout_session_required: sessionRequired,
  });

  beforeAll(async () => {
    // The services' addresses must be known before the provider registers their callbacks.
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    client = clientFor(api, 'nest-dual-auth-e2e');
    const otherPort = await freePort();
    withoutSid = { port: otherPort, client: clientFor(`http://127.0.0.1:${otherPort}`, 'without-sid', false) };
    provider = await OidcTestProvider.start([client, withoutSid.client]);
    t = await startApp({
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: client.client_id,
      OIDC_CLIENT_SECRET: client.client_secret,
      OIDC_REDIRECT_URI: client.redirect_uris[0],
      OIDC_ALLOWED_EMAIL_DOMAINS: ALLOWED_DOMAIN,
      CORS_ORIGINS: FRONT_END,
      ADMIN_EMAILS: `${ADMIN_EMAIL},${SSO_ADMIN_EMAIL}`,
    });
    // The provider's back-channel calls and the browser's redirects need a real listener.
    await t.app.listen(port, '127.0.0.1');
    main = { t, api, client };
  }, 2 * SERVER_START_TIMEOUT_MS);

  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  /** The service's login route to the provider's redirect back, signed in as `login`: the callback URL. */
  async function throughProvider(
    browser: SsoBrowser,
    login: string,
    returnTo?: string,
    site: Site = main,
  ): Promise<string> {
    const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
    const start = await browser.request(`${site.api}/auth/oidc/login${query}`);
    expect(start.status).toBe(302);
    const authorization = new URL(start.headers.get('location') ?? '');
    expect(authorization.origin).toBe(provider.issuer);
    return browser.signIn(authorization.href, login, site.client.redirect_uris[0]);
  }

  /** The whole sign-in, callback included. */
  async function signIn(
    login: string,
    returnTo?: string,
    browser = new SsoBrowser(),
    site: Site = main,
  ): Promise<Landing> {
    const callback = await browser.request(await throughProvider(browser, login, returnTo, site));
    const location = callback.headers.get('location') ?? '';
    const [target, fragment] = location.split('#');
    return {
      callback,
      returnTo: target,
      code: fragment ? (new URLSearchParams(fragment).get('code') ?? undefined) : undefined,
    };
  }

  /** The credentials of a landing, checked for this mode: a cookie pair and/or an access token. */
  async function credentialsOf(
    landing: Landing,
    site: Site = main,
  ): Promise<{ cookie?: string; accessToken?: string; refreshToken?: string }> {
    expect(landing.callback.status).toBe(302);
    const cookieName = site.t.config.session.cookieName;
    const setCookie = landing.callback.headers.getSetCookie().find((header) => header.startsWith(`${cookieName}=`));
    const result: { cookie?: string; accessToken?: string; refreshToken?: string } = {};
    if (usesSessions) {
      expect(setCookie).toBeDefined();
      result.cookie = setCookie!.split(';')[0];
    } else {
      expect(setCookie).toBeUndefined();
    }
    if (usesTokens) {
      expect(landing.code).toMatch(/^[\w-]{40,}$/);
      const res = await request(site.t.http).post('/auth/oidc/token').send({ code: landing.code }).expect(200);
      expect(Object.keys(res.body as object).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
      ({ accessToken: result.accessToken, refreshToken: result.refreshToken } = res.body as {
        accessToken: string;
        refreshToken: string;
      });
    } else {
      expect(landing.code).toBeUndefined();
    }
    return result;
  }

  /** GET /auth/me with each credential the landing gave: the same user every time. */
  async function me(credentials: { cookie?: string; accessToken?: string }): Promise<{ id: string; email: string }> {
    const bodies: { id: string; email: string }[] = [];
    if (credentials.cookie) {
      bodies.push((await request(t.http).get('/auth/me').set('Cookie', credentials.cookie).expect(200)).body as never);
    }
    if (credentials.accessToken) {
      const res = await request(t.http).get('/auth/me').set('Authorization', `Bearer ${credentials.accessToken}`);
      bodies.push(res.body as never);
      expect(res.status).toBe(200);
    }
    expect(bodies.length).toBeGreaterThan(0);
    expect(new Set(bodies.map((body) => body.id)).size).toBe(1);
    return bodies[0];
  }

  it(`lists in the OpenAPI document exactly the routes of the route table for ${STRATEGY} mode with SSO`, async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(contractRoutes(STRATEGY, false, false, true));
    const publicRoutes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => Array.isArray(operation.security) && operation.security.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(publicRoutes.sort()).toEqual(contractRoutes(STRATEGY, false, true, true));
  });

  describe('the code flow', () => {
    it('redirects to the provider with the code flow, PKCE S256, state and nonce', async () => {
      const res = await request(t.http).get('/auth/oidc/login').expect(302);
      const url = new URL(res.headers.location);
      expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/auth`);
      const params = url.searchParams;
      expect(params.get('response_type')).toBe('code');
      expect(params.get('client_id')).toBe(client.client_id);
      expect(params.get('redirect_uri')).toBe(client.redirect_uris[0]);
      expect(params.get('scope')).toBe('openid email profile');
      expect(params.get('code_challenge_method')).toBe('S256');
      expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
      expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it(`signs a new user up without a password and lands on returnTo with ${STRATEGY} credentials`, async () => {
      const email = ssoEmail('new');
      const landing = await signIn(email, '/welcome?tab=1');
      expect(landing.returnTo).toBe('/welcome?tab=1');
      const user = await me(await credentialsOf(landing));
      expect(user.email).toBe(email);

      // No password: password login answers as for a wrong one.
      await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(401);
    });

    it('answers POST /auth/password with 409 for an account without a password', async () => {
      const credentials = await credentialsOf(await signIn(ssoEmail('nopass')));
      const body = { currentPassword: PASSWORD, newPassword: `${PASSWORD}!` };
      let res: request.Response;
      if (credentials.accessToken) {
        res = await request(t.http)
          .post('/auth/password')
          .set('Authorization', `Bearer ${credentials.accessToken}`)
          .send(body);
      } else {
        const csrf = await request(t.http).get('/auth/csrf').set('Cookie', credentials.cookie!).expect(200);
        const csrfCookie = (csrf.headers['set-cookie'] as unknown as string[]).map((header) => header.split(';')[0]);
        res = await request(t.http)
          .post('/auth/password')
          .set('Cookie', [credentials.cookie!, ...csrfCookie])
          .set('X-CSRF-Token', (csrf.body as { csrfToken: string }).csrfToken)
          .send(body);
      }
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ ...nestError(409), message: 'Account has no password' });
    });

    it('logs the same provider account in as the same user the next time', async () => {
      const email = ssoEmail('again');
      const first = await me(await credentialsOf(await signIn(email)));
      const second = await me(await credentialsOf(await signIn(email)));
      expect(second.id).toBe(first.id);
    });

    it('issues a fresh session id: the cookie the browser held before the sign-in is worthless after it', async () => {
      if (!usesSessions) return expect(STRATEGY).toBe('jwt');
      const browser = new SsoBrowser();
      const email = ssoEmail('fresh');
      const before = (await credentialsOf(await signIn(email, undefined, browser))).cookie!;
      await request(t.http).get('/auth/me').set('Cookie', before).expect(200);
      // The browser sends its cookie along on the second callback.
      const after = (await credentialsOf(await signIn(email, undefined, browser))).cookie!;
      expect(after).not.toBe(before);
      await request(t.http).get('/auth/me').set('Cookie', before).expect(401);
      await request(t.http).get('/auth/me').set('Cookie', after).expect(200);
    });
  });

  describe('linking rules', () => {
    async function registered(email: string): Promise<string> {
      const res = await request(t.http).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      return (res.body as { id: string }).id;
    }

    it('links an account with the same email when the provider verified it; the password still works', async () => {
      const email = ssoEmail('linked');
      const id = await registered(email);
      expect((await me(await credentialsOf(await signIn(email)))).id).toBe(id);
      await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
    });

    it('refuses (409) to link an account whose email the provider did not verify, and creates nothing', async () => {
      const email = ssoEmail('unverified');
      const id = await registered(email);
      const landing = await signIn(`${email}#unverified`);
      expect(landing.callback.status).toBe(409);
      expect(await landing.callback.json()).toEqual({
        statusCode: 409,
        message: expect.stringMatching(/has not verified the email/) as unknown,
        error: 'Conflict',
      });
      expect(landing.callback.headers.getSetCookie().filter((h) => h.startsWith(t.config.session.cookieName))).toEqual(
        [],
      );
      // The verified identity of the same email still links to the same account.
      expect((await me(await credentialsOf(await signIn(email)))).id).toBe(id);
    });

    it('refuses (403) a sign-up from an email domain outside OIDC_ALLOWED_EMAIL_DOMAINS', async () => {
      const landing = await signIn(uniqueEmail('outsider').replace('@example.com', '@elsewhere.example.test'));
      expect(landing.callback.status).toBe(403);
      expect(await landing.callback.json()).toEqual({
        statusCode: 403,
        message: 'Sign-up through single sign-on is not open to this email domain',
        error: 'Forbidden',
      });
    });
  });

  describe('roles, locks and the audit trail', () => {
    async function admin(): Promise<ApiClient> {
      await request(t.http).post('/auth/register').send({ email: ADMIN_EMAIL, password: PASSWORD });
      const client = ApiClient.anonymous(t.http, CREDENTIALS[0]);
      await client.login(ADMIN_EMAIL, PASSWORD);
      return client;
    }

    it('makes an account listed in ADMIN_EMAILS an admin at its first sign-in', async () => {
      const credentials = await credentialsOf(await signIn(SSO_ADMIN_EMAIL));
      const users = credentials.accessToken
        ? request(t.http).get('/admin/users').set('Authorization', `Bearer ${credentials.accessToken}`)
        : request(t.http).get('/admin/users').set('Cookie', credentials.cookie!);
      expect((await users).status).toBe(200);
    });

    it('refuses (403) a locked account, as the password login does, and records why', async () => {
      const email = ssoEmail('locked');
      const user = await me(await credentialsOf(await signIn(email)));
      const client = await admin();
      await client.post(`/admin/users/${user.id}/lock`).expect(204);
      const landing = await signIn(email);
      expect(landing.callback.status).toBe(403);
      expect(await landing.callback.json()).toEqual({ ...nestError(403), message: 'Account is locked' });

      const events = (await client.get(`/admin/audit?userId=${user.id}`).expect(200)).body as Array<{
        type: string;
        detail: Record<string, unknown>;
      }>;
      expect(events.map(({ type, detail }) => ({ type, detail }))).toEqual([
        { type: 'login.failed', detail: { email, reason: 'locked', method: 'oidc' } },
        { type: 'account.locked', detail: {} },
        { type: 'login.succeeded', detail: { method: 'oidc' } },
        { type: 'user.registered', detail: { method: 'oidc' } },
      ]);
    });
  });

  describe('returnTo', () => {
    it.each([
      ['an absolute URL on an unlisted origin', 'https://evil.example.test/x'],
      ['a protocol-relative URL', '//evil.example.test/x'],
      ['a backslash URL', '/\\evil.example.test/x'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a listed origin over another scheme', FRONT_END.replace('http:', 'https:')],
    ])('refuses (400) %s, before any redirect to the provider', async (_label, returnTo) => {
      const res = await request(t.http).get('/auth/oidc/login').query({ returnTo }).expect(400);
      expect(res.body).toEqual({
        ...nestError(400),
        message: 'returnTo must be a path or a URL on an origin listed in CORS_ORIGINS',
      });
    });

    it('lands on a URL of an origin listed in CORS_ORIGINS', async () => {
      const landing = await signIn(ssoEmail('front'), `${FRONT_END}/app?after=sso`);
      expect(landing.returnTo).toBe(`${FRONT_END}/app?after=sso`);
      await me(await credentialsOf(landing));
    });

    it('lands on / without returnTo', async () => {
      expect((await signIn(ssoEmail('root'))).returnTo).toBe('/');
    });
  });

  describe('state and codes', () => {
    it('refuses (400) a replayed callback: the state is single-use', async () => {
      const browser = new SsoBrowser();
      const callbackUrl = await throughProvider(browser, ssoEmail('replay'));
      expect((await browser.request(callbackUrl)).status).toBe(302);
      const replay = await browser.request(callbackUrl);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toEqual({
        statusCode: 400,
        message: 'Unknown, expired or already used state: start the sign-in again',
        error: 'Bad Request',
      });
    });

    it('refuses (400) a callback brought by another browser than the one that started the login (login CSRF)', async () => {
      // The attacker starts a login and signs in as themself, but hands the callback URL to the victim.
      const callbackUrl = await throughProvider(new SsoBrowser(), ssoEmail('attacker'));
      const res = await new SsoBrowser().request(callbackUrl);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        statusCode: 400,
        message: 'This sign-in was not started in this browser: start the sign-in again',
        error: 'Bad Request',
      });
      const cookieName = t.config.session.cookieName;
      expect(res.headers.getSetCookie().filter((header) => header.startsWith(`${cookieName}=`))).toEqual([]);
    });

    it('refuses (400) a callback with a state it never issued, or none', async () => {
      const bogus = await request(t.http).get('/auth/oidc/callback').query({ code: 'x', state: 'forged' }).expect(400);
      expect((bogus.body as { message: string }).message).toMatch(/state/);
      await request(t.http).get('/auth/oidc/callback').query({ code: 'x' }).expect(400);
    });

    it('refuses (400) an authorization code redeemed under another login: PKCE binds it to its own', async () => {
      const browser = new SsoBrowser();
      const callbackUrl = new URL(await throughProvider(browser, ssoEmail('swap')));
      // A second login's state, with the first login's code: the verifier does not match the challenge.
      const second = await browser.request(`${api}/auth/oidc/login`);
      const other = new URL(second.headers.get('location') ?? '');
      callbackUrl.searchParams.set('state', other.searchParams.get('state')!);
      const res = await browser.request(callbackUrl.href);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/authorization code is invalid/);
    });

    if (usesTokens) {
      it('exchanges the one-time code once only', async () => {
        const landing = await signIn(ssoEmail('once'));
        await request(t.http).post('/auth/oidc/token').send({ code: landing.code }).expect(200);
        const again = await request(t.http).post('/auth/oidc/token').send({ code: landing.code }).expect(400);
        expect((again.body as { message: string }).message).toBe(
          'Unknown, expired or already used code: sign in again',
        );
        await request(t.http).post('/auth/oidc/token').send({ code: 'never-issued' }).expect(400);
        await request(t.http).post('/auth/oidc/token').send({}).expect(400);
      });
    } else {
      it('has no one-time code route in session mode', async () => {
        await request(t.http).post('/auth/oidc/token').send({ code: 'x' }).expect(404);
      });
    }
  });

  describe('single use under concurrency', () => {
    /** Simultaneous requests: each on its own warm keep-alive connection, so they reach the service together. */
    const SIMULTANEOUS = 30;
    let burst: Burst;

    beforeAll(async () => {
      burst = await Burst.open(t.app, SIMULTANEOUS);
    });

    afterAll(() => burst?.close());

    it(`signs in exactly once when one callback arrives ${SIMULTANEOUS} times at once`, async () => {
      const browser = new SsoBrowser();
      const callback = new URL(await throughProvider(browser, ssoEmail('callback-burst')));
      const replies = await burst.all(
        Array.from({ length: SIMULTANEOUS }, () => ({
          path: `${callback.pathname}${callback.search}`,
          headers: browser.cookieHeader(callback.href),
        })),
      );
      expect(statusCounts(replies)).toEqual({ 302: 1, 400: SIMULTANEOUS - 1 });
      for (const reply of replies.filter(({ status }) => status === 400)) {
        expect((reply.body as { message: string }).message).toBe(
          'Unknown, expired or already used state: start the sign-in again',
        );
      }
    });

    if (usesTokens) {
      it(`gives the token pair to exactly one of ${SIMULTANEOUS} simultaneous redemptions of a code`, async () => {
        const { code } = await signIn(ssoEmail('code-burst'));
        const replies = await burst.all(
          Array.from({ length: SIMULTANEOUS }, () => ({ method: 'POST', path: '/auth/oidc/token', body: { code } })),
        );
        expect(statusCounts(replies)).toEqual({ 200: 1, 400: SIMULTANEOUS - 1 });
        const { accessToken } = replies.find(({ status }) => status === 200)!.body as { accessToken: string };
        await request(t.http).get('/auth/me').set('Authorization', `Bearer ${accessToken}`).expect(200);
      });
    }
  });

  describe('logout', () => {
    /** Each credential of the mode answers GET /auth/me with `status`. */
    async function expectMe(
      credentials: { cookie?: string; accessToken?: string },
      status: number,
      site: Site = main,
    ): Promise<void> {
      if (credentials.cookie) {
        await request(site.t.http).get('/auth/me').set('Cookie', credentials.cookie).expect(status);
      }
      if (credentials.accessToken) {
        await request(site.t.http)
          .get('/auth/me')
          .set('Authorization', `Bearer ${credentials.accessToken}`)
          .expect(status);
      }
    }

    it('back-channel logout without sid ends every SSO login of that account at once', async () => {
      const other = await startApp({
        OIDC_ISSUER_URL: provider.issuer,
        OIDC_CLIENT_ID: withoutSid.client.client_id,
        OIDC_CLIENT_SECRET: withoutSid.client.client_secret,
        OIDC_REDIRECT_URI: withoutSid.client.redirect_uris[0],
      });
      try {
        await other.app.listen(withoutSid.port, '127.0.0.1');
        const site: Site = { t: other, api: `http://127.0.0.1:${withoutSid.port}`, client: withoutSid.client };
        const email = ssoEmail('without-sid');
        const browser = new SsoBrowser();
        const first = await credentialsOf(await signIn(email, undefined, browser, site), site);
        // Another device: another provider session, but the same account, so it ends too.
        const second = await credentialsOf(await signIn(email, undefined, new SsoBrowser(), site), site);
        const bystander = await credentialsOf(await signIn(ssoEmail('bystander'), undefined, undefined, site), site);
        await expectMe(first, 200, site);

        await browser.signOut(`${provider.issuer}/session/end`);

        await expectMe(first, 401, site);
        await expectMe(second, 401, site);
        await expectMe(bystander, 200, site);
      } finally {
        await other.close();
      }
    });

    it('back-channel logout ends the live cookie and bearer credentials of that provider session at once', async () => {
      expect(t.config.jwt.revocation).toBe('denylist'); // else access tokens live until their exp, by design
      const email = ssoEmail('backchannel');
      const browser = new SsoBrowser();
      const ending = await credentialsOf(await signIn(email, undefined, browser));
      // The same account on another device: another provider session, which stays.
      const staying = await credentialsOf(await signIn(email));
      await expectMe(ending, 200);

      await browser.signOut(`${provider.issuer}/session/end`);

      await expectMe(ending, 401);
      await expectMe(staying, 200);
      if (ending.refreshToken) {
        await request(t.http).post('/auth/refresh').send({ refreshToken: ending.refreshToken }).expect(401);
        await request(t.http).post('/auth/refresh').send({ refreshToken: staying.refreshToken }).expect(200);
      }
    });

    it('answers 400 to a logout token that is not one of the provider', async () => {
      const forged = [
        Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'logout+jwt' })).toString('base64url'),
        Buffer.from(JSON.stringify({ iss: provider.issuer, aud: client.client_id, sid: 'x' })).toString('base64url'),
        'c2lnbmF0dXJl',
      ].join('.');
      const res = await request(t.http)
        .post('/auth/oidc/backchannel-logout')
        .type('form')
        .send({ logout_token: forged })
        .expect(400);
      expect((res.body as { message: string }).message).toMatch(/^Invalid logout token/);
      await request(t.http).post('/auth/oidc/backchannel-logout').type('form').send({ logout_token: 'x' }).expect(400);
    });

    it("GET /auth/oidc/logout ends the credential and redirects to the provider's end-session endpoint", async () => {
      const credentials = await credentialsOf(await signIn(ssoEmail('rp-logout')));
      const logout = request(t.http).get('/auth/oidc/logout');
      if (credentials.accessToken) logout.set('Authorization', `Bearer ${credentials.accessToken}`);
      else logout.set('Cookie', credentials.cookie!);
      const res = await logout.expect(302);
      const target = new URL(res.headers.location);
      expect(`${target.origin}${target.pathname}`).toBe(`${provider.issuer}/session/end`);
      expect(target.searchParams.get('client_id')).toBe(client.client_id);
      await expectMe(credentials.accessToken ? { accessToken: credentials.accessToken } : credentials, 401);
      await request(t.http).get('/auth/oidc/logout').expect(401);
    });
  });

  describe('provider down', () => {
    it(
      'starts anyway, answers 503 on the SSO routes, and recovers once the provider is up',
      async () => {
        const port = await freePort(); // nothing listens there yet
        const down = await startApp({
          OIDC_ISSUER_URL: `http://127.0.0.1:${port}`,
          OIDC_CLIENT_ID: client.client_id,
          OIDC_CLIENT_SECRET: client.client_secret,
          OIDC_REDIRECT_URI: client.redirect_uris[0],
        });
        let late: OidcTestProvider | undefined;
        try {
          await request(down.http).get('/health').expect(200);
          const res = await request(down.http).get('/auth/oidc/login').expect(503);
          expect(res.body).toEqual({
            ...nestError(503),
            message: 'The identity provider is unavailable; try again later',
          });
          await request(down.http).get('/auth/oidc/callback').query({ code: 'x', state: 'y' }).expect(503);

          // Logging out does not depend on the provider: the credential ends, the browser goes to returnTo.
          const email = uniqueEmail('down');
          await request(down.http).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
          const login = await request(down.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
          const credential = usesTokens
            ? { Authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}` }
            : { Cookie: (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0] };
          const out = await request(down.http).get('/auth/oidc/logout').query({ returnTo: '/bye' }).set(credential);
          expect([out.status, out.headers.location]).toEqual([302, '/bye']);
          await request(down.http).get('/auth/me').set(credential).expect(401);

          late = await OidcTestProvider.start(client, port);
          const up = await request(down.http).get('/auth/oidc/login').expect(302);
          expect(up.headers.location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/auth\\?`));
        } finally {
          await down.close();
          await late?.stop();
        }
      },
      SERVER_START_TIMEOUT_MS,
    );
  });
});
