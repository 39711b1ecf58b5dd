import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesTokens } from './support/app';
import {
  ApiClient,
  Credential,
  CREDENTIALS,
  cookiePair,
  nestError,
  PASSWORD,
  sessionIdOf,
  uniqueEmail,
  uniqueIp,
  UserBody,
} from './support/client';

/**
 * The audit trail (API.md's AuditEvent) through GET /admin/audit, in every mode: every event
 * type recorded once per action, with the right user, actor and client address, and never a
 * password, token, cookie or session id.
 */

interface AuditEventBody {
  id: string;
  at: string;
  type: string;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
}

const NEW_PASSWORD = 'another correct horse battery';
const USER_AGENT = 'audit-spec/1.0';

describe(`the audit trail, ${STRATEGY} mode`, () => {
  let t: TestApp;
  const adminEmail = uniqueEmail('audit-admin');
  let admin: ApiClient;
  let adminId: string;

  beforeAll(async () => {
    t = await startApp({ ADMIN_EMAILS: adminEmail, LOGIN_MAX_ATTEMPTS: '2' });
    adminId = (
      (await request(t.http).post('/auth/register').send({ email: adminEmail, password: PASSWORD })).body as UserBody
    ).id;
    admin = ApiClient.anonymous(t.http, CREDENTIALS[0]);
    await admin.login(adminEmail, PASSWORD);
  });
  afterAll(() => t.close());

  async function audit(query: string): Promise<AuditEventBody[]> {
    return (await admin.get(`/admin/audit?limit=100&${query}`).expect(200)).body as AuditEventBody[];
  }

  async function loginAs(email: string, via: Credential, password = PASSWORD): Promise<ApiClient> {
    const client = ApiClient.anonymous(t.http, via);
    await client.login(email, password);
    return client;
  }

  /** How many events of each type. */
  function countByType(events: AuditEventBody[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
    return counts;
  }

  /** Everything secret a client holds: none of it may appear in an event. */
  function secretsOf(client: ApiClient): string[] {
    const secrets = [client.accessToken, client.refreshToken, client.csrfToken].filter(
      (value): value is string => typeof value === 'string',
    );
    if (client.via === 'cookie' && client.loginResponse) {
      const pair = cookiePair(client.loginResponse, t.config.session.cookieName);
      secrets.push(pair.slice(pair.indexOf('=') + 1), sessionIdOf(pair));
    }
    return secrets;
  }

  function expectNoSecret(events: AuditEventBody[], secrets: string[]): void {
    const text = JSON.stringify(events);
    for (const secret of secrets) expect(text.includes(secret) ? secret : 'absent').toBe('absent');
  }

  describe.each(CREDENTIALS)('with a %s', (via) => {
    it("records a user's own actions once each, with the user as actor, and nothing secret", async () => {
      const { client, email, user } = await ApiClient.signUp(t.http, via); // user.registered, login.succeeded
      await request(t.http)
        .post('/auth/login')
        .set('User-Agent', USER_AGENT)
        .send({ email, password: 'a wrong password' })
        .expect(401); // login.failed
      const second = await loginAs(email, via); // login.succeeded
      const handle = ((await second.get('/auth/sessions').expect(200)).body as { id: string; current: boolean }[]).find(
        (session) => session.current,
      )!.id;
      await client.delete(`/auth/sessions/${handle}`).expect(204); // session.ended
      await client.post('/auth/password').send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }).expect(204); // password.changed
      if (via === 'cookie') await client.fetchCsrfToken();
      await client.post('/auth/logout-all').expect(204); // sessions.ended_all
      const third = await loginAs(email, via, NEW_PASSWORD); // login.succeeded
      await third.post('/auth/logout').send({}).expect(204); // logout

      const events = await audit(`userId=${user.id}`);
      expect(countByType(events)).toEqual({
        'user.registered': 1,
        'login.succeeded': 3,
        'login.failed': 1,
        'session.ended': 1,
        'password.changed': 1,
        'sessions.ended_all': 1,
        logout: 1,
      });
      for (const event of events) {
        expect(event).toEqual({
          id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown,
          at: expect.any(String) as unknown,
          type: event.type,
          userId: user.id,
          actorId: user.id,
          ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/) as unknown,
          userAgent: event.type === 'login.failed' ? USER_AGENT : event.userAgent,
          detail: expect.any(Object) as unknown,
        });
      }
      expect(events.find((event) => event.type === 'login.failed')!.detail).toEqual({
        email,
        reason: 'bad_credentials',
      });
      for (const succeeded of events.filter((event) => event.type === 'login.succeeded')) {
        expect(succeeded.detail).toEqual({ method: 'password' });
      }
      expectNoSecret(events, [
        PASSWORD,
        NEW_PASSWORD,
        'a wrong password',
        handle,
        ...secretsOf(client),
        ...secretsOf(second),
        ...secretsOf(third),
      ]);
    });

    it("records an admin's actions with the admin as actor and the account as user", async () => {
      const { email, user } = await ApiClient.signUp(t.http, via);
      const handle = ((await admin.get(`/admin/users/${user.id}/sessions`).expect(200)).body as { id: string }[])[0].id;
      await admin.delete(`/admin/users/${user.id}/sessions/${handle}`).expect(204);
      await loginAs(email, via);
      await admin.post(`/admin/users/${user.id}/logout-all`).expect(204);
      await admin.post(`/admin/users/${user.id}/lock`).expect(204);
      await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(403);
      await admin.post(`/admin/users/${user.id}/unlock`).expect(204);
      await admin
        .put(`/admin/users/${user.id}/roles`)
        .send({ roles: ['user', 'admin'] })
        .expect(200);

      const events = await audit(`userId=${user.id}`);
      const byAdmin = events.filter((event) => event.actorId === adminId);
      expect(countByType(byAdmin)).toEqual({
        'session.ended': 1,
        'sessions.ended_all': 1,
        'account.locked': 1,
        'account.unlocked': 1,
        'roles.changed': 1,
      });
      expect(byAdmin.every((event) => event.userId === user.id)).toBe(true);
      expect(byAdmin.find((event) => event.type === 'roles.changed')!.detail).toEqual({
        from: ['user'],
        to: ['user', 'admin'],
      });
      const refused = events.filter((event) => event.type === 'login.failed');
      expect(refused).toEqual([
        expect.objectContaining({
          userId: user.id,
          actorId: user.id,
          detail: { email, reason: 'locked', method: 'password' },
        }),
      ]);
      expectNoSecret(events, [PASSWORD, handle, ...secretsOf(admin)]);
    });
  });

  it('records a failed login for an unknown email without a user, and a throttled one with the client address', async () => {
    const email = uniqueEmail('nobody');
    const ip = uniqueIp();
    const attempt = () =>
      request(t.http).post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: 'a wrong password' });
    await attempt().expect(401);
    await attempt().expect(401);
    await attempt().expect(429);

    const failed = (await audit('type=login.failed')).filter((event) => event.detail.email === email);
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ userId: null, actorId: null, ip, detail: { email, reason: 'bad_credentials' } });
    const throttled = (await audit('type=login.throttled')).filter((event) => event.detail.email === email);
    expect(throttled).toEqual([expect.objectContaining({ type: 'login.throttled', userId: null, ip })]);
  });

  it('records the ADMIN_EMAILS bootstrap at login as a role change by nobody', async () => {
    const lateEmail = uniqueEmail('late');
    const late = await startApp({ ADMIN_EMAILS: `${adminEmail},${lateEmail}` });
    try {
      // Registered by the first application's rules would need a shared store; here the account
      // is demoted by an admin, then promoted again by its next login.
      const lateAdmin = ApiClient.anonymous(late.http, CREDENTIALS[0]);
      const registered = (
        await request(late.http).post('/auth/register').send({ email: lateEmail, password: PASSWORD })
      ).body as UserBody;
      await request(late.http).post('/auth/register').send({ email: adminEmail, password: PASSWORD }).expect(201);
      await lateAdmin.login(adminEmail, PASSWORD);
      await lateAdmin
        .put(`/admin/users/${registered.id}/roles`)
        .send({ roles: ['user'] })
        .expect(200);
      await request(late.http).post('/auth/login').send({ email: lateEmail, password: PASSWORD }).expect(200);

      const changes = (await lateAdmin.get(`/admin/audit?userId=${registered.id}&type=roles.changed`).expect(200))
        .body as AuditEventBody[];
      expect(changes.map(({ actorId, detail }) => ({ actorId, detail }))).toEqual([
        { actorId: null, detail: { from: ['user'], to: ['user', 'admin'], by: 'ADMIN_EMAILS' } },
        {
          actorId: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown,
          detail: { from: ['user', 'admin'], to: ['user'] },
        },
      ]);
    } finally {
      await late.close();
    }
  });

  if (usesTokens) {
    it('records a reused refresh token once, against its user', async () => {
      const { client, user } = await ApiClient.signUp(t.http, 'bearer');
      await request(t.http).post('/auth/refresh').send({ refreshToken: client.refreshToken }).expect(200);
      await request(t.http).post('/auth/refresh').send({ refreshToken: client.refreshToken }).expect(401);

      const events = await audit(`userId=${user.id}&type=refresh.reuse_detected`);
      expect(events).toEqual([expect.objectContaining({ userId: user.id, actorId: user.id, detail: {} })]);
      expectNoSecret(events, secretsOf(client));
    });
  }

  describe('GET /admin/audit', () => {
    it('lists newest first and pages with limit and before', async () => {
      const { user } = await ApiClient.signUp(t.http);
      const all = await audit(`userId=${user.id}`);
      expect(all.map((event) => event.type)).toEqual(['login.succeeded', 'user.registered']);
      expect(Date.parse(all[0].at)).toBeGreaterThanOrEqual(Date.parse(all[1].at));

      const first = (await admin.get(`/admin/audit?userId=${user.id}&limit=1`).expect(200)).body as AuditEventBody[];
      const next = (await admin.get(`/admin/audit?userId=${user.id}&limit=1&before=${first[0].id}`).expect(200))
        .body as AuditEventBody[];
      expect([...first, ...next]).toEqual(all);
      const newest = (await admin.get('/admin/audit?limit=1').expect(200)).body as AuditEventBody[];
      expect(newest).toHaveLength(1);
    });

    it('filters by type', async () => {
      const events = await audit('type=user.registered');
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((event) => event.type === 'user.registered')).toBe(true);
    });

    it.each([['type=login'], ['limit=0'], ['limit=101'], ['userId=nope'], ['before=nope'], ['other=1']])(
      'answers 400 to ?%s',
      async (query) => {
        expect((await admin.get(`/admin/audit?${query}`).expect(400)).body).toEqual(nestError(400));
      },
    );
  });
});
