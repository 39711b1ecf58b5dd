import { ConfigError, DEV_JWT_SECRET, DEV_SESSION_SECRET, loadConfig } from './config.schema';

const STRONG = 'a-production-secret-that-is-long-enough-0123456789';
const PRODUCTION_OK = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://mongo:27017/app',
  REDIS_URL: 'redis://redis:6379',
  SESSION_SECRET: STRONG,
  JWT_SECRET: STRONG,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

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
  ])('refuses in production: %s', (_label, override, variable) => {
    const problems = problemsOf({ ...PRODUCTION_OK, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });
});
