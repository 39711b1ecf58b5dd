import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesSessions, usesTokens } from './support/app';
import { ApiClient, Credential, CREDENTIALS, nestError, PASSWORD, uniqueEmail, UserBody } from './support/client';

/**
 * Roles and the admin routes of API.md, in every mode and with every credential of the mode:
 * the ADMIN_EMAILS bootstrap, 403 for everyone else, and what each admin route does to the
 * credentials of the account it acts on (at once: JWT_REVOCATION is the default denylist here).
 */

const UNKNOWN_ID = '665f1c2b9d3e4a0012345678';

interface AdminUserBody extends UserBody {
  lockedAt: string | null;
}

interface SessionBody {
  id: string;
  kind: 'cookie' | 'refresh';
  current: boolean;
}

type Method = 'get' | 'post' | 'put' | 'delete';

/** Every admin route, with a path for `id` and a body that would be valid. */
function adminRoutes(id: string): [Method, string, object?][] {
  return [
    ['get', '/admin/users'],
    ['get', `/admin/users/${id}/sessions`],
    ['delete', `/admin/users/${id}/sessions/some-handle`],
    ['post', `/admin/users/${id}/logout-all`],
    ['post', `/admin/users/${id}/lock`],
    ['post', `/admin/users/${id}/unlock`],
    ['put', `/admin/users/${id}/roles`, { roles: ['user', 'admin'] }],
    ['get', '/admin/audit'],
  ];
}

describe(`roles and the admin routes, ${STRATEGY} mode`, () => {
  let t: TestApp;
  const adminEmail = uniqueEmail('admin');
  const lateAdminEmail = uniqueEmail('late-admin');
  let adminUser: UserBody;

  beforeAll(async () => {
    // Listed with another spelling: the list is compared as emails are.
    t = await startApp({ ADMIN_EMAILS: ` ${adminEmail.toUpperCase()} ,${lateAdminEmail}` });
    adminUser = (
      await request(t.http).post('/auth/register').send({ email: adminEmail, password: PASSWORD }).expect(201)
    ).body as UserBody;
  });
  afterAll(() => t.close());

  async function loginAs(email: string, via: Credential, password = PASSWORD): Promise<ApiClient> {
    const client = ApiClient.anonymous(t.http, via);
    await client.login(email, password);
    return client;
  }

  /** Every credential a login of this mode hands out, each as its own client. */
  async function everyCredentialOf(email: string): Promise<ApiClient[]> {
    return Promise.all(CREDENTIALS.map((via) => loginAs(email, via)));
  }

  async function expectSignedOut(clients: ApiClient[]): Promise<void> {
    for (const client of clients) await client.get('/auth/me').expect(401);
  }

  describe('the ADMIN_EMAILS bootstrap', () => {
    it('makes a listed account an admin when it registers; others are users', async () => {
      expect(adminUser.roles).toEqual(['user', 'admin']);
      const { user } = await ApiClient.signUp(t.http);
      expect(user.roles).toEqual(['user']);
    });

    it.each(CREDENTIALS)('carries the roles in the %s: /auth/me and the admin routes agree', async (via) => {
      const admin = await loginAs(adminEmail, via);
      expect(((await admin.get('/auth/me').expect(200)).body as UserBody).roles).toEqual(['user', 'admin']);
      await admin.get('/admin/users').expect(200);
    });

    it('makes a listed account an admin again when it logs in', async () => {
      const admin = await loginAs(adminEmail, CREDENTIALS[0]);
      const late = (await request(t.http).post('/auth/register').send({ email: lateAdminEmail, password: PASSWORD }))
        .body as UserBody;
      expect(late.roles).toEqual(['user', 'admin']);
      await admin
        .put(`/admin/users/${late.id}/roles`)
        .send({ roles: ['user'] })
        .expect(200);

      const login = await request(t.http).post('/auth/login').send({ email: lateAdminEmail, password: PASSWORD });
      expect(login.status).toBe(200);
      expect((login.body as { user: UserBody }).user.roles).toEqual(['user', 'admin']);
    });
  });

  describe.each(CREDENTIALS)('with a %s', (via) => {
    let admin: ApiClient;

    beforeAll(async () => {
      admin = await loginAs(adminEmail, via);
    });

    it('answers 403 to an authenticated caller without the admin role, on every admin route', async () => {
      const { client, user } = await ApiClient.signUp(t.http, via);
      const wrong: string[] = [];
      for (const [method, path, body] of adminRoutes(user.id)) {
        const res = await client.send(method, path).send(body ?? {});
        const { message, error } = res.body as { message?: unknown; error?: unknown };
        if (res.status !== 403 || error !== 'Forbidden' || message !== 'Requires the admin role') {
          wrong.push(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('answers 401 without a credential on every admin route', async () => {
      for (const [method, path, body] of adminRoutes(adminUser.id)) {
        await request(t.http)
          [method](path)
          .send(body ?? {})
          .expect(401);
      }
    });

    describe('GET /admin/users', () => {
      it('lists users newest first, with roles and lockedAt, and pages with limit and before', async () => {
        const first = await ApiClient.signUp(t.http, via);
        const second = await ApiClient.signUp(t.http, via);

        const page = (await admin.get('/admin/users?limit=2').expect(200)).body as AdminUserBody[];
        expect(page.map((user) => user.id)).toEqual([second.user.id, first.user.id]);
        expect(page[0]).toEqual({ ...second.user, lockedAt: null });

        const older = (await admin.get(`/admin/users?limit=1&before=${second.user.id}`).expect(200))
          .body as AdminUserBody[];
        expect(older.map((user) => user.id)).toEqual([first.user.id]);
      });

      it('finds one account by email, spelled as login would accept it', async () => {
        const { user, email } = await ApiClient.signUp(t.http, via);
        const found = (
          await admin.get(`/admin/users?email=${encodeURIComponent(` ${email.toUpperCase()}`)}`).expect(200)
        ).body as AdminUserBody[];
        expect(found.map((each) => each.id)).toEqual([user.id]);
      });

      it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['before=nope'], ['email=not-an-email'], ['extra=1']])(
        'answers 400 to ?%s',
        async (query) => {
          expect((await admin.get(`/admin/users?${query}`).expect(400)).body).toEqual(nestError(400));
        },
      );
    });

    describe('sessions of a user', () => {
      it("lists the user's cookie sessions and refresh families, none of them current", async () => {
        const { email, user } = await ApiClient.signUp(t.http, via);
        await everyCredentialOf(email);
        const sessions = (await admin.get(`/admin/users/${user.id}/sessions`).expect(200)).body as SessionBody[];
        // signUp's login, then one login per credential; in `both` mode each login gives a cookie session and a family.
        const logins = 1 + CREDENTIALS.length;
        expect(sessions.filter((session) => session.kind === 'cookie')).toHaveLength(usesSessions ? logins : 0);
        expect(sessions.filter((session) => session.kind === 'refresh')).toHaveLength(usesTokens ? logins : 0);
        expect(sessions.every((session) => session.current === false)).toBe(true);
      });

      it("does not mark the admin's own session as current either", async () => {
        const sessions = (await admin.get(`/admin/users/${adminUser.id}/sessions`).expect(200)).body as SessionBody[];
        expect(sessions.length).toBeGreaterThan(0);
        expect(sessions.some((session) => session.current)).toBe(false);
      });

      it('ends one session: its credential stops working and it is gone from the user own list', async () => {
        const { client, email, user } = await ApiClient.signUp(t.http, via);
        const other = await loginAs(email, via);
        const own = (await client.get('/auth/sessions').expect(200)).body as SessionBody[];
        const target = own.find((session) => session.current)!;
        expect(target).toBeDefined();

        await admin.delete(`/admin/users/${user.id}/sessions/${target.id}`).expect(204);

        await client.get('/auth/me').expect(401);
        const left = (await other.get('/auth/sessions').expect(200)).body as SessionBody[];
        expect(left.map((session) => session.id)).not.toContain(target.id);
        await admin.delete(`/admin/users/${user.id}/sessions/${target.id}`).expect(404);
      });

      it('logs the user out everywhere at once', async () => {
        const { client, email, user } = await ApiClient.signUp(t.http, via);
        const others = await everyCredentialOf(email);
        await admin.post(`/admin/users/${user.id}/logout-all`).expect(204);
        await expectSignedOut([client, ...others]);
        expect((await admin.get(`/admin/users/${user.id}/sessions`).expect(200)).body).toEqual([]);
        await admin.get('/auth/me').expect(200);
      });

      it('answers 404 for an unknown user or session, 400 for a malformed id', async () => {
        const { user } = await ApiClient.signUp(t.http, via);
        await admin.get(`/admin/users/${UNKNOWN_ID}/sessions`).expect(404);
        await admin.post(`/admin/users/${UNKNOWN_ID}/logout-all`).expect(404);
        await admin.delete(`/admin/users/${UNKNOWN_ID}/sessions/whatever`).expect(404);
        await admin.delete(`/admin/users/${user.id}/sessions/whatever`).expect(404);
        await admin.get('/admin/users/not-an-id/sessions').expect(400);
      });
    });

    describe('lock and unlock', () => {
      it('ends every live credential at once and refuses the right password with 403, after the password check', async () => {
        const { client, email, user } = await ApiClient.signUp(t.http, via);
        const others = await everyCredentialOf(email);

        await admin.post(`/admin/users/${user.id}/lock`).expect(204);

        await expectSignedOut([client, ...others]);
        const locked = await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(403);
        expect(locked.body).toEqual({ statusCode: 403, message: 'Account is locked', error: 'Forbidden' });
        // A wrong password tells a guesser nothing about the lock.
        const guess = await request(t.http)
          .post('/auth/login')
          .send({ email, password: 'wrong password!' })
          .expect(401);
        expect(guess.body).toEqual(nestError(401));
        const listed = (await admin.get(`/admin/users?email=${encodeURIComponent(email)}`).expect(200))
          .body as AdminUserBody[];
        expect(Date.parse(listed[0].lockedAt!)).not.toBeNaN();

        await admin.post(`/admin/users/${user.id}/unlock`).expect(204);
        const again = await loginAs(email, via);
        await again.get('/auth/me').expect(200);
        const unlocked = (await admin.get(`/admin/users?email=${encodeURIComponent(email)}`).expect(200))
          .body as AdminUserBody[];
        expect(unlocked[0].lockedAt).toBeNull();
      });

      it('answers 409 to an admin locking themselves, and 404 for an unknown user', async () => {
        const res = await admin.post(`/admin/users/${adminUser.id.toUpperCase()}/lock`).expect(409);
        expect(res.body).toEqual(nestError(409));
        await admin.get('/auth/me').expect(200);
        await admin.post(`/admin/users/${UNKNOWN_ID}/lock`).expect(404);
        await admin.post(`/admin/users/${UNKNOWN_ID}/unlock`).expect(404);
      });
    });

    describe('PUT /admin/users/:id/roles', () => {
      it('takes effect at once: the old credentials end, a new login carries the new roles', async () => {
        const { client, email, user } = await ApiClient.signUp(t.http, via);
        await client.get('/admin/users').expect(403);

        const promoted = await admin
          .put(`/admin/users/${user.id}/roles`)
          .send({ roles: ['admin'] })
          .expect(200);
        expect(promoted.body).toEqual({ ...user, roles: ['user', 'admin'] });
        await client.get('/auth/me').expect(401);

        const asAdmin = await loginAs(email, via);
        await asAdmin.get('/admin/users').expect(200);

        await admin
          .put(`/admin/users/${user.id}/roles`)
          .send({ roles: ['user'] })
          .expect(200);
        // The credential issued as an admin is gone: it cannot keep the role it lost.
        await asAdmin.get('/admin/users').expect(401);
        const demoted = await loginAs(email, via);
        await demoted.get('/admin/users').expect(403);
      });

      it('answers 409 to an admin removing their own admin role', async () => {
        const res = await admin
          .put(`/admin/users/${adminUser.id}/roles`)
          .send({ roles: ['user'] })
          .expect(409);
        expect(res.body).toEqual(nestError(409));
        await admin.get('/admin/users').expect(200);
      });

      it.each([
        [{ roles: ['root'] }],
        [{ roles: 'admin' }],
        [{ roles: ['admin', 'admin'] }],
        [{}],
        [{ roles: ['user'], extra: true }],
      ])('answers 400 to %j', async (body) => {
        const { user } = await ApiClient.signUp(t.http, via);
        await admin.put(`/admin/users/${user.id}/roles`).send(body).expect(400);
      });

      it('answers 404 for an unknown user', async () => {
        await admin
          .put(`/admin/users/${UNKNOWN_ID}/roles`)
          .send({ roles: ['user'] })
          .expect(404);
      });
    });

    if (via === 'cookie') {
      it('needs the CSRF token on the unsafe admin routes, like every other route', async () => {
        const { user } = await ApiClient.signUp(t.http, via);
        for (const [method, path, body] of adminRoutes(user.id).filter(([method]) => method !== 'get')) {
          await admin.agent[method](path)
            .send(body ?? {})
            .expect(403);
        }
        await admin.agent.get('/admin/users').expect(200);
      });
    }
  });

  if (usesTokens) {
    it('with JWT_REVOCATION=none, leaves a locked account its access token until it expires, not its refresh token', async () => {
      const stateless = await startApp({ ADMIN_EMAILS: adminEmail, JWT_REVOCATION: 'none' });
      try {
        await request(stateless.http)
          .post('/auth/register')
          .send({ email: adminEmail, password: PASSWORD })
          .expect(201);
        const admin = ApiClient.anonymous(stateless.http, 'bearer');
        await admin.login(adminEmail, PASSWORD);
        const { client, user } = await ApiClient.signUp(stateless.http, 'bearer');

        await admin.post(`/admin/users/${user.id}/lock`).expect(204);

        // The window the README states: checked by signature alone until JWT_ACCESS_TTL has passed.
        await client.get('/auth/me').expect(200);
        await request(stateless.http).post('/auth/refresh').send({ refreshToken: client.refreshToken }).expect(401);
      } finally {
        await stateless.close();
      }
    });
  }

  describe('the OpenAPI document', () => {
    interface Operation {
      tags?: string[];
      security?: Record<string, string[]>[];
      responses: Record<string, unknown>;
    }

    it('describes every admin route, protected, tagged admin, with its 403', async () => {
      const doc = (await request(t.http).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, Operation>>;
      };
      const routes = adminRoutes('{id}').map(([method, path]) => [method, path.replace('some-handle', '{sessionId}')]);
      for (const [method, path] of routes) {
        const operation = doc.paths[path]?.[method];
        expect([method, path, operation?.tags]).toEqual([method, path, ['admin']]);
        // Not public; an unsafe one asks the cookie for its CSRF token (the global requirement covers the rest).
        expect(operation.security).not.toEqual([]);
        if (usesSessions && method !== 'get') expect(operation.security).toContainEqual({ cookie: [], csrf: [] });
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    });
  });
});
