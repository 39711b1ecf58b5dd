import { problemsOf } from '../../test/support/config-problems';
import { configWarnings, DEV_JWT_SECRET, DEV_SESSION_SECRET, loadConfig } from './config.schema';

const STRONG = 'a-production-secret-that-is-long-enough-0123456789';
const PRODUCTION_OK = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://mongo:27017/app',
  REDIS_URL: 'redis://redis:6379',
  SESSION_SECRET: STRONG,
  JWT_SECRET: `another-${STRONG}`,
};

describe('loadConfig', () => {
  it('applies the defaults of CONFIG.md to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      nodeEnv: 'development',
      authStrategy: 'session',
      dataStore: 'memory',
      sessionStore: 'memory',
      session: { secrets: [DEV_SESSION_SECRET], cookieName: 'sid', idleTtl: 1800, absoluteTtl: 43200 },
      cookie: { secure: false, sameSite: 'lax' },
      corsOrigins: [],
      jwt: {
        algorithm: 'HS256',
        secret: DEV_JWT_SECRET,
        accessTtl: 900,
        refreshTtl: 1209600,
        issuer: 'nest-dual-auth',
        audience: 'nest-dual-auth',
        revocation: 'denylist',
      },
      login: { maxAttempts: 5, window: 900 },
    });
  });

  it('derives the stores from the URLs that are set', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://localhost/x', REDIS_URL: 'redis://localhost:6379' });
    expect(config.dataStore).toBe('mongo');
    expect(config.sessionStore).toBe('redis');
  });

  it('lets explicit store choices win over the derived ones', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://localhost/x', DATA_STORE: 'memory', SESSION_STORE: 'mongo' });
    expect(config.dataStore).toBe('memory');
    expect(config.sessionStore).toBe('mongo');
  });

  it('splits comma lists: CORS origins and rotating session secrets (first signs)', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'http://localhost:5173, https://app.example.com',
      SESSION_SECRET: `${STRONG}-new,${STRONG}-old`,
    });
    expect(config.corsOrigins).toEqual(['http://localhost:5173', 'https://app.example.com']);
    expect(config.session.secrets).toEqual([`${STRONG}-new`, `${STRONG}-old`]);
  });

  it('makes cookies Secure by default in production only', () => {
    expect(loadConfig(PRODUCTION_OK).cookie.secure).toBe(true);
    expect(loadConfig({ COOKIE_SECURE: 'true' }).cookie.secure).toBe(true);
    expect(loadConfig({ ...PRODUCTION_OK, COOKIE_SECURE: 'false' }).cookie.secure).toBe(false);
  });

  it('gives one line per bad variable, naming it', () => {
    const problems = problemsOf({
      PORT: 'abc',
      AUTH_STRATEGY: 'magic',
      SESSION_SECRET: 'short',
      COOKIE_SECURE: 'maybe',
      JWT_ACCESS_TTL: '-5',
      REDIS_URL: 'http://x',
    });
    expect(problems).toHaveLength(6);
    for (const variable of [
      'PORT',
      'AUTH_STRATEGY',
      'SESSION_SECRET',
      'COOKIE_SECURE',
      'JWT_ACCESS_TTL',
      'REDIS_URL',
    ]) {
      expect(problems.filter((line) => line.startsWith(`${variable}: `))).toHaveLength(1);
    }
  });

  it('refuses SameSite=None without Secure, a wildcard origin and malformed origins', () => {
    expect(problemsOf({ COOKIE_SAMESITE: 'none' })).toEqual(['COOKIE_SAMESITE: none requires COOKIE_SECURE=true']);
    expect(problemsOf({ CORS_ORIGINS: '*' })[0]).toMatch(/^CORS_ORIGINS: "\*" is refused/);
    expect(problemsOf({ CORS_ORIGINS: 'http://x.io/path' })[0]).toMatch(/^CORS_ORIGINS: .* is not an origin/);
  });

  it('requires key files for RS256 and ES256', () => {
    expect(problemsOf({ JWT_ALGORITHM: 'ES256' })).toEqual([
      'JWT_PRIVATE_KEY_FILE: is required with JWT_ALGORITHM=ES256',
      'JWT_PUBLIC_KEY_FILE: is required with JWT_ALGORITHM=ES256',
    ]);
  });

  it('requires the URL of every store in use', () => {
    expect(problemsOf({ SESSION_STORE: 'redis' })).toEqual([
      'REDIS_URL: is required when SESSION_STORE=redis (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS)',
    ]);
    expect(problemsOf({ DATA_STORE: 'mongo' })).toEqual([
      'MONGODB_URI: is required when DATA_STORE or SESSION_STORE is mongo',
    ]);
  });

  it('accepts a safe production configuration', () => {
    expect(loadConfig(PRODUCTION_OK).isProduction).toBe(true);
  });

  it.each([
    ['memory data store', { MONGODB_URI: '' }, 'DATA_STORE'],
    ['memory session store', { REDIS_URL: '' }, 'SESSION_STORE'],
    ['missing session secret', { SESSION_SECRET: '' }, 'SESSION_SECRET'],
    ['development session secret', { SESSION_SECRET: DEV_SESSION_SECRET }, 'SESSION_SECRET'],
    ['missing JWT secret', { JWT_SECRET: '' }, 'JWT_SECRET'],
    ['development JWT secret', { JWT_SECRET: DEV_JWT_SECRET }, 'JWT_SECRET'],
    ['wildcard CORS', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    ['SameSite=None without Secure', { COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'false' }, 'COOKIE_SAMESITE'],
    ['one secret for sessions and tokens', { JWT_SECRET: STRONG }, 'JWT_SECRET'],
    [
      'the JWT secret among rotated session secrets',
      { SESSION_SECRET: `x${STRONG},${STRONG}`, JWT_SECRET: STRONG },
      'JWT_SECRET',
    ],
    ['a session secret of few distinct characters', { SESSION_SECRET: 'ab'.repeat(20) }, 'SESSION_SECRET'],
    ['a JWT secret of few distinct characters', { JWT_SECRET: '0123456789abcde'.repeat(3) }, 'JWT_SECRET'],
  ])('refuses in production: %s', (_label, override, variable) => {
    const problems = problemsOf({ ...PRODUCTION_OK, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });

  it('accepts in development what production refuses: one secret for both, few distinct characters', () => {
    expect(() => loadConfig({ SESSION_SECRET: 'ab'.repeat(20), JWT_SECRET: 'ab'.repeat(20) })).not.toThrow();
  });

  it('warns, in production only, of cookies without Secure and of http:// origins', () => {
    const risky = { COOKIE_SECURE: 'false', CORS_ORIGINS: 'http://app.example.com,https://ok.example.com' };
    const warnings = configWarnings(loadConfig({ ...PRODUCTION_OK, ...risky }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^COOKIE_SECURE=false in production/);
    expect(warnings[1]).toMatch(/^CORS_ORIGINS lists http:\/\/app\.example\.com over plain http/);
    expect(configWarnings(loadConfig(PRODUCTION_OK))).toEqual([]);
    expect(configWarnings(loadConfig(risky))).toEqual([]);
  });

  it('reads the limits of CONFIG.md, with their defaults', () => {
    expect(loadConfig({})).toMatchObject({
      login: { maxAttempts: 5, maxAttemptsPerIp: 100, window: 900 },
      register: { maxPerIp: 10, window: 3600 },
      jwt: { refreshAbsoluteTtl: 2592000 },
    });
    expect(
      loadConfig({
        LOGIN_MAX_ATTEMPTS_PER_IP: '7',
        REGISTER_MAX_PER_IP: '3',
        REGISTER_WINDOW: '60',
        JWT_REFRESH_ABSOLUTE_TTL: '99',
      }),
    ).toMatchObject({
      login: { maxAttemptsPerIp: 7 },
      register: { maxPerIp: 3, window: 60 },
      jwt: { refreshAbsoluteTtl: 99 },
    });
    expect(problemsOf({ REGISTER_MAX_PER_IP: '0' })[0]).toMatch(/^REGISTER_MAX_PER_IP: /);
  });

  it('reads ADMIN_EMAILS as a list and AUDIT_RETENTION_DAYS as positive days, default 365', () => {
    expect(loadConfig({})).toMatchObject({ admin: { emails: [] }, audit: { retentionDays: 365 } });
    expect(loadConfig({ ADMIN_EMAILS: ' Ann@X.io, ,bob@y.io', AUDIT_RETENTION_DAYS: '30' })).toMatchObject({
      admin: { emails: ['Ann@X.io', 'bob@y.io'] },
      audit: { retentionDays: 30 },
    });
    expect(problemsOf({ AUDIT_RETENTION_DAYS: '0' })).toEqual([
      'AUDIT_RETENTION_DAYS: must be a positive number of days',
    ]);
    expect(problemsOf({ AUDIT_RETENTION_DAYS: '1.5' })).toEqual(['AUDIT_RETENTION_DAYS: must be an integer']);
  });
});

describe('loadConfig: MongoDB', () => {
  it('waits 10 s for MongoDB at start-up unless MONGODB_CONNECT_TIMEOUT says otherwise', () => {
    expect(loadConfig({}).mongodbConnectTimeout).toBe(10);
    expect(loadConfig({ MONGODB_CONNECT_TIMEOUT: '3' }).mongodbConnectTimeout).toBe(3);
    expect(problemsOf({ MONGODB_CONNECT_TIMEOUT: '0' })).toEqual([
      'MONGODB_CONNECT_TIMEOUT: must be a positive number of seconds',
    ]);
  });

  it('refuses SESSION_STORE=mongo without Redis in production (indexes, families and limits would be per process)', () => {
    const problems = problemsOf({ ...PRODUCTION_OK, SESSION_STORE: 'mongo', REDIS_URL: '' });
    expect(problems).toEqual(['SESSION_STORE: mongo without REDIS_URL is refused in production: set REDIS_URL']);
  });

  it('accepts SESSION_STORE=mongo next to Redis in production, and without it in development', () => {
    expect(loadConfig({ ...PRODUCTION_OK, SESSION_STORE: 'mongo' }).sessionStore).toBe('mongo');
    expect(loadConfig({ MONGODB_URI: 'mongodb://localhost/x', SESSION_STORE: 'mongo' }).sessionStore).toBe('mongo');
  });
});

describe('loadConfig: single sign-on (OIDC_*)', () => {
  const OIDC = { OIDC_ISSUER_URL: 'https://idp.example.com/realms/staff', OIDC_CLIENT_ID: 'nest-dual-auth' };
  const PRODUCTION_OIDC = {
    ...PRODUCTION_OK,
    ...OIDC,
    OIDC_CLIENT_SECRET: 'client-secret',
    OIDC_REDIRECT_URI: 'https://api.example.com/auth/oidc/callback',
  };

  it('is off unless OIDC_ISSUER_URL is set', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
  });

  it('applies the defaults of CONFIG.md: scopes, any email domain, the callback on PORT', () => {
    expect(loadConfig({ ...OIDC, PORT: '8080' }).oidc).toEqual({
      issuerUrl: 'https://idp.example.com/realms/staff',
      clientId: 'nest-dual-auth',
      clientSecret: undefined,
      redirectUri: 'http://localhost:8080/auth/oidc/callback',
      scopes: ['openid', 'email', 'profile'],
      allowedEmailDomains: [],
    });
  });

  it('splits the scopes on spaces and the email domains on commas (lower-cased)', () => {
    const config = loadConfig({
      ...OIDC,
      OIDC_SCOPES: ' openid  email offline_access ',
      OIDC_ALLOWED_EMAIL_DOMAINS: 'Example.com, staff.example.org ,',
      OIDC_REDIRECT_URI: 'https://api.example.com/auth/oidc/callback',
    });
    expect(config.oidc).toMatchObject({
      scopes: ['openid', 'email', 'offline_access'],
      allowedEmailDomains: ['example.com', 'staff.example.org'],
      redirectUri: 'https://api.example.com/auth/oidc/callback',
    });
  });

  it.each([
    [
      'an issuer that is not a URL',
      { ...OIDC, OIDC_ISSUER_URL: 'idp.example.com' },
      'OIDC_ISSUER_URL: must be an http',
    ],
    ['a redirect URI that is not http(s)', { ...OIDC, OIDC_REDIRECT_URI: 'ftp://x/cb' }, 'OIDC_REDIRECT_URI: must be'],
    ['an issuer without a client id', { OIDC_ISSUER_URL: OIDC.OIDC_ISSUER_URL }, 'OIDC_CLIENT_ID: is required'],
    ['a client id without an issuer', { OIDC_CLIENT_ID: 'x' }, 'OIDC_CLIENT_ID: is set but OIDC_ISSUER_URL is not'],
    ['scopes without openid', { ...OIDC, OIDC_SCOPES: 'email profile' }, 'OIDC_SCOPES: must include openid'],
    [
      'a malformed email domain',
      { ...OIDC, OIDC_ALLOWED_EMAIL_DOMAINS: '@example.com' },
      'OIDC_ALLOWED_EMAIL_DOMAINS: "@',
    ],
  ])('refuses %s, in one line naming the variable', (_label, env, line) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(line)).toBe(true);
  });

  it('accepts a production OIDC setup with a client secret and an https callback', () => {
    expect(loadConfig(PRODUCTION_OIDC).oidc?.clientSecret).toBe('client-secret');
  });

  it.each([
    ['without a client secret', { OIDC_CLIENT_SECRET: '' }, 'OIDC_CLIENT_SECRET: is required in production'],
    [
      'with an http:// redirect URI',
      { OIDC_REDIRECT_URI: 'http://api.example.com/auth/oidc/callback' },
      'OIDC_REDIRECT_URI: must be https:// in production',
    ],
    [
      'with the default (http://localhost) redirect URI',
      { OIDC_REDIRECT_URI: '' },
      'OIDC_REDIRECT_URI: must be https://',
    ],
  ])('refuses in production an OIDC setup %s', (_label, override, line) => {
    const problems = problemsOf({ ...PRODUCTION_OIDC, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(line)).toBe(true);
  });

  it('accepts in development a public client on an http:// callback', () => {
    expect(loadConfig({ ...OIDC, OIDC_REDIRECT_URI: 'http://localhost:3000/auth/oidc/callback' }).oidc).toBeDefined();
  });
});
