import { ApiClient, CREDENTIALS, Credential, PASSWORD } from './support/client';
import { startApp, STRATEGY, TestApp } from './support/app';

interface SessionBody {
  id: string;
  kind: 'cookie' | 'refresh';
  createdAt: string;
  lastSeenAt: string;
  userAgent: string;
  ip: string;
  current: boolean;
}

/** The kinds of session a login creates in this mode. */
const KINDS_PER_LOGIN: SessionBody['kind'][] =
  STRATEGY === 'session' ? ['cookie'] : STRATEGY === 'jwt' ? ['refresh'] : ['cookie', 'refresh'];

describe('sessions a user can see and end', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  /** A second login of the same account, with its own credential. */
  async function secondLogin(email: string, via: Credential): Promise<ApiClient> {
    const client = ApiClient.anonymous(t.http, via);
    await client.login(email, PASSWORD);
    return client;
  }

  const sessionsOf = async (client: ApiClient): Promise<SessionBody[]> =>
    (await client.get('/auth/sessions').set('User-Agent', 'jest-lister').expect(200)).body as SessionBody[];

  describe.each(CREDENTIALS)('via %s', (via) => {
    it('lists every login of the caller, marks the current one, and exposes no secret', async () => {
      const { client, email } = await ApiClient.signUp(t.http, via);
      const other = await secondLogin(email, via);
      const sessions = await sessionsOf(client);

      expect(sessions.map((s) => s.kind).sort()).toEqual([...KINDS_PER_LOGIN, ...KINDS_PER_LOGIN].sort());
      for (const session of sessions) {
        expect(Object.keys(session).sort()).toEqual(
          ['createdAt', 'current', 'id', 'ip', 'kind', 'lastSeenAt', 'userAgent'].sort(),
        );
        expect(session.kind).toMatch(/^(cookie|refresh)$/);
        expect(Date.parse(session.createdAt)).toBeLessThanOrEqual(Date.parse(session.lastSeenAt));
        expect(typeof session.userAgent).toBe('string');
        expect(session.ip).toMatch(/\d/);
        expect(typeof session.current).toBe('boolean');
      }
      const currentKind = via === 'cookie' ? 'cookie' : 'refresh';
      expect(sessions.filter((s) => s.current).map((s) => s.kind)).toEqual([currentKind]);

      // A handle is neither the session id nor a token.
      const secrets = [client.accessToken, client.refreshToken, other.accessToken, other.refreshToken].filter(Boolean);
      const listed = JSON.stringify(sessions);
      for (const secret of secrets) expect(listed).not.toContain(secret);
      const sid = client.loginResponse ? JSON.stringify(client.loginResponse.headers['set-cookie'] ?? '') : '';
      for (const session of sessions) {
        expect(session.id.length).toBeGreaterThan(8);
        if (sid) expect(decodeURIComponent(sid)).not.toContain(session.id);
      }
    });

    it('does not show one user the sessions of another', async () => {
      const alice = await ApiClient.signUp(t.http, via);
      const bob = await ApiClient.signUp(t.http, via);
      const bobIds = (await sessionsOf(bob.client)).map((s) => s.id);
      const aliceIds = (await sessionsOf(alice.client)).map((s) => s.id);
      expect(aliceIds.filter((id) => bobIds.includes(id))).toEqual([]);
      // ...nor lets one end the other's: 404, and Bob's credential keeps working.
      await alice.client.delete(`/auth/sessions/${bobIds[0]}`).expect(404);
      await bob.client.get('/auth/me').expect(200);
    });

    it('ends one session by handle: that credential stops working at once, the others do not', async () => {
      const { client, email } = await ApiClient.signUp(t.http, via);
      const other = await secondLogin(email, via);
      const sessions = await sessionsOf(client);
      const others = sessions.filter((s) => !s.current);
      for (const session of others) await client.delete(`/auth/sessions/${session.id}`).expect(204);

      await other.get('/auth/me').expect(401);
      if (other.refreshToken) {
        await other.post('/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
      }
      await client.get('/auth/me').expect(200);
      expect((await sessionsOf(client)).map((s) => s.id).sort()).toEqual(
        sessions
          .filter((s) => s.current || !others.includes(s))
          .map((s) => s.id)
          .sort(),
      );
    });

    it('answers 404 for an unknown handle and 401 without credentials', async () => {
      const { client } = await ApiClient.signUp(t.http, via);
      await client.delete('/auth/sessions/no-such-session').expect(404);
      await ApiClient.anonymous(t.http, via).get('/auth/sessions').expect(401);
      await ApiClient.anonymous(t.http, via).delete('/auth/sessions/x').expect(401);
    });

    it('logout-all ends every session and family, this one included', async () => {
      const { client, email } = await ApiClient.signUp(t.http, via);
      const other = await secondLogin(email, via);
      await client.post('/auth/logout-all').expect(204);
      await client.get('/auth/me').expect(401);
      await other.get('/auth/me').expect(401);
      for (const c of [client, other]) {
        if (c.refreshToken) await c.post('/auth/refresh').send({ refreshToken: c.refreshToken }).expect(401);
      }
      const fresh = await secondLogin(email, via);
      expect((await sessionsOf(fresh)).filter((s) => !s.current).length).toBe(KINDS_PER_LOGIN.length - 1);
    });

    it('password change keeps this session, ends every other one, and takes the new password', async () => {
      const { client, email } = await ApiClient.signUp(t.http, via);
      const other = await secondLogin(email, via);
      const newPassword = 'a brand new passphrase';

      await client.post('/auth/password').send({ currentPassword: 'wrong password', newPassword }).expect(403);
      await client.post('/auth/password').send({ currentPassword: PASSWORD }).expect(400);
      await client.post('/auth/password').send({ currentPassword: PASSWORD, newPassword: 'short' }).expect(400);
      await client.post('/auth/password').send({ currentPassword: PASSWORD, newPassword }).expect(204);

      await client.get('/auth/me').expect(200);
      await other.get('/auth/me').expect(401);
      const remaining = await sessionsOf(client);
      expect(remaining).toHaveLength(1);
      expect(remaining[0].current).toBe(true);

      await ApiClient.anonymous(t.http, via).agent.post('/auth/login').send({ email, password: PASSWORD }).expect(401);
      await ApiClient.anonymous(t.http, via).login(email, newPassword);
      await ApiClient.anonymous(t.http, via)
        .post('/auth/password')
        .send({ currentPassword: 'x', newPassword })
        .expect(401);
    });
  });
});
