import { z } from 'zod';
import { commaList, integer, optionalHttpUrl, optionalString, spaceList } from './env-fields';
import { checkRedisEnv, redisConfigOf, redisConfigured, redisEnvShape } from './redis.config';

/**
 * The one schema for every variable of CONFIG.md. Raw environment strings go in;
 * a typed, nested AppConfig comes out, or a ConfigError with one line per problem.
 */

export const DEV_SESSION_SECRET = 'dev-only-session-secret-do-not-use-in-production';
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-do-not-use-in-production!!';
export const SERVICE_NAME = 'nest-dual-auth';

const MIN_SECRET_LENGTH = 32;
/** Production refuses secrets with fewer distinct characters ("aaaa…", "abababab…"). */
const MIN_DISTINCT_SECRET_CHARACTERS = 16;

const seconds = (fallback: number) => integer().positive('must be a positive number of seconds').default(fallback);

const envSchema = z
  .object({
    PORT: integer().min(0, 'must be a port number').max(65535, 'must be a port number').default(3000),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** Read by main.ts before this schema runs (see env-file.ts); listed so that it is a known variable. */
    ENV_FILE: optionalString,
    AUTH_STRATEGY: z.enum(['session', 'jwt', 'both']).default('session'),
    DATA_STORE: z.enum(['mongo', 'memory']).optional(),
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
        .optional(),
    ),
    MONGODB_CONNECT_TIMEOUT: seconds(10),
    SESSION_STORE: z.enum(['redis', 'mongo', 'memory']).optional(),
    ...redisEnvShape,
    SESSION_SECRET: commaList.pipe(
      z.array(z.string().min(MIN_SECRET_LENGTH, `each secret must be at least ${MIN_SECRET_LENGTH} characters`)),
    ),
    SESSION_COOKIE_NAME: z
      .string()
      .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be a valid cookie name')
      .default('sid'),
    SESSION_IDLE_TTL: seconds(1800),
    SESSION_ABSOLUTE_TTL: seconds(43200),
    COOKIE_SECURE: z.stringbool().optional(),
    COOKIE_SAMESITE: z.enum(['lax', 'strict', 'none']).default('lax'),
    CORS_ORIGINS: commaList,
    JWT_ALGORITHM: z.enum(['HS256', 'RS256', 'ES256']).default('HS256'),
    JWT_SECRET: optionalString.pipe(
      z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
    ),
    JWT_PRIVATE_KEY_FILE: optionalString,
    JWT_PUBLIC_KEY_FILE: optionalString,
    /** Addition to CONFIG.md: public keys of the previous key pair(s), still accepted during a rotation. */
    JWT_PREVIOUS_PUBLIC_KEY_FILES: commaList,
    JWT_ACCESS_TTL: seconds(900),
    JWT_REFRESH_TTL: seconds(1209600),
    JWT_ISSUER: z.string().min(1).default(SERVICE_NAME),
    JWT_AUDIENCE: z.string().min(1).default(SERVICE_NAME),
    JWT_REVOCATION: z.enum(['denylist', 'none']).default('denylist'),
    JWT_REFRESH_ABSOLUTE_TTL: seconds(2592000),
    LOGIN_MAX_ATTEMPTS: integer().positive('must be at least 1').default(5),
    LOGIN_MAX_ATTEMPTS_PER_IP: integer().positive('must be at least 1').default(100),
    LOGIN_WINDOW: seconds(900),
    REGISTER_MAX_PER_IP: integer().positive('must be at least 1').default(10),
    REGISTER_WINDOW: seconds(3600),
    ADMIN_EMAILS: commaList,
    AUDIT_RETENTION_DAYS: integer().positive('must be a positive number of days').default(365),
    OIDC_ISSUER_URL: optionalHttpUrl,
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_REDIRECT_URI: optionalHttpUrl,
    OIDC_SCOPES: spaceList('openid email profile'),
    OIDC_ALLOWED_EMAIL_DOMAINS: commaList.transform((domains) => domains.map((domain) => domain.toLowerCase())),
    // Additions to CONFIG.md, documented in the README.
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: integer().min(0, 'must be the number of trusted proxy hops').default(0),
    COOKIE_HOST_PREFIX: z.stringbool().default(true),
    PASSWORD_HASH_QUEUE: integer().min(0, 'must be 0 or more').default(32),
  })
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const dataStore = env.DATA_STORE ?? (env.MONGODB_URI ? 'mongo' : 'memory');
    const sessionStore = env.SESSION_STORE ?? (redisConfigured(env) ? 'redis' : 'memory');
    const production = env.NODE_ENV === 'production';
    const secure = env.COOKIE_SECURE ?? production;

    if ((dataStore === 'mongo' || sessionStore === 'mongo') && !env.MONGODB_URI) {
      problem('MONGODB_URI', 'is required when DATA_STORE or SESSION_STORE is mongo');
    }
    checkRedisEnv(env, problem);
    if (sessionStore === 'redis' && !redisConfigured(env)) {
      problem('REDIS_URL', 'is required when SESSION_STORE=redis (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS)');
    }
    if (env.CORS_ORIGINS.includes('*')) {
      problem('CORS_ORIGINS', '"*" is refused: list the allowed origins (credentials are always allowed)');
    }
    for (const origin of env.CORS_ORIGINS.filter((item) => item !== '*')) {
      if (!isOrigin(origin)) problem('CORS_ORIGINS', `"${origin}" is not an origin like https://app.example.com`);
    }
    if (env.COOKIE_SAMESITE === 'none' && !secure) {
      problem('COOKIE_SAMESITE', 'none requires COOKIE_SECURE=true');
    }
    if (env.JWT_ALGORITHM !== 'HS256') {
      if (!env.JWT_PRIVATE_KEY_FILE)
        problem('JWT_PRIVATE_KEY_FILE', `is required with JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
      if (!env.JWT_PUBLIC_KEY_FILE)
        problem('JWT_PUBLIC_KEY_FILE', `is required with JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
    }
    checkOidcEnv(env, production, problem);
    if (production) {
      if (dataStore === 'memory') problem('DATA_STORE', 'memory is refused in production: set MONGODB_URI');
      if (sessionStore === 'memory') problem('SESSION_STORE', 'memory is refused in production: set REDIS_URL');
      // Without Redis the session index, refresh families and login limits live in process memory.
      if (sessionStore === 'mongo' && !env.REDIS_URL)
        problem('SESSION_STORE', 'mongo without REDIS_URL is refused in production: set REDIS_URL');
      if (env.SESSION_SECRET.length === 0) problem('SESSION_SECRET', 'is required in production');
      if (env.SESSION_SECRET.includes(DEV_SESSION_SECRET))
        problem('SESSION_SECRET', 'the development default is refused in production');
      if (env.JWT_ALGORITHM === 'HS256' && !env.JWT_SECRET)
        problem('JWT_SECRET', 'is required in production with HS256');
      if (env.JWT_SECRET === DEV_JWT_SECRET) problem('JWT_SECRET', 'the development default is refused in production');
      if (env.JWT_SECRET && env.SESSION_SECRET.includes(env.JWT_SECRET))
        problem('JWT_SECRET', 'must differ from SESSION_SECRET in production: one leaked secret must not forge both');
      for (const [name, secrets] of [
        ['SESSION_SECRET', env.SESSION_SECRET],
        ['JWT_SECRET', env.JWT_SECRET ? [env.JWT_SECRET] : []],
      ] as const) {
        const weak = (secret: string) =>
          secret !== DEV_SESSION_SECRET &&
          secret !== DEV_JWT_SECRET &&
          new Set(secret).size < MIN_DISTINCT_SECRET_CHARACTERS;
        if (secrets.some(weak))
          problem(name, `needs at least ${MIN_DISTINCT_SECRET_CHARACTERS} distinct characters in production`);
      }
    }
  })
  .transform((env) => {
    const production = env.NODE_ENV === 'production';
    const secure = env.COOKIE_SECURE ?? production;
    /** `__Host-` cookies are Secure, Path=/ and have no Domain: no subdomain can set or shadow them. */
    const prefix = secure && env.COOKIE_HOST_PREFIX ? '__Host-' : '';
    return {
      port: env.PORT,
      nodeEnv: env.NODE_ENV,
      isProduction: production,
      authStrategy: env.AUTH_STRATEGY,
      dataStore: env.DATA_STORE ?? (env.MONGODB_URI ? 'mongo' : 'memory'),
      mongodbUri: env.MONGODB_URI,
      /** Seconds start-up waits for MongoDB before giving up with one line. */
      mongodbConnectTimeout: env.MONGODB_CONNECT_TIMEOUT,
      sessionStore: env.SESSION_STORE ?? (redisConfigured(env) ? 'redis' : 'memory'),
      /** The Redis topology (one server, cluster, sentinel), or undefined: see redis.config.ts. */
      redis: redisConfigOf(env),
      session: {
        /** The first signs, all verify: rotate by prepending a new secret. */
        secrets: env.SESSION_SECRET.length > 0 ? env.SESSION_SECRET : [DEV_SESSION_SECRET],
        cookieName: `${prefix}${env.SESSION_COOKIE_NAME}`,
        idleTtl: env.SESSION_IDLE_TTL,
        absoluteTtl: env.SESSION_ABSOLUTE_TTL,
      },
      cookie: {
        secure,
        /** Prepended to every cookie name we set. */
        prefix,
        sameSite: env.COOKIE_SAMESITE,
      },
      corsOrigins: env.CORS_ORIGINS,
      jwt: {
        algorithm: env.JWT_ALGORITHM,
        secret: env.JWT_SECRET ?? DEV_JWT_SECRET,
        privateKeyFile: env.JWT_PRIVATE_KEY_FILE,
        publicKeyFile: env.JWT_PUBLIC_KEY_FILE,
        previousPublicKeyFiles: env.JWT_PREVIOUS_PUBLIC_KEY_FILES,
        accessTtl: env.JWT_ACCESS_TTL,
        refreshTtl: env.JWT_REFRESH_TTL,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        revocation: env.JWT_REVOCATION,
        refreshAbsoluteTtl: env.JWT_REFRESH_ABSOLUTE_TTL,
      },
      login: {
        maxAttempts: env.LOGIN_MAX_ATTEMPTS,
        maxAttemptsPerIp: env.LOGIN_MAX_ATTEMPTS_PER_IP,
        window: env.LOGIN_WINDOW,
      },
      register: {
        maxPerIp: env.REGISTER_MAX_PER_IP,
        window: env.REGISTER_WINDOW,
      },
      admin: {
        /** As written; AdminBootstrap compares them normalized, like every email. */
        emails: env.ADMIN_EMAILS,
      },
      audit: {
        retentionDays: env.AUDIT_RETENTION_DAYS,
      },
      /** Single sign-on: undefined unless OIDC_ISSUER_URL is set. */
      oidc: env.OIDC_ISSUER_URL
        ? {
            issuerUrl: env.OIDC_ISSUER_URL,
            clientId: env.OIDC_CLIENT_ID ?? '',
            clientSecret: env.OIDC_CLIENT_SECRET,
            redirectUri: env.OIDC_REDIRECT_URI ?? defaultRedirectUri(env.PORT),
            scopes: env.OIDC_SCOPES,
            allowedEmailDomains: env.OIDC_ALLOWED_EMAIL_DOMAINS,
          }
        : undefined,
      /** Password hashes that may wait for a thread; past it, 503 (see PasswordHasher). */
      passwordHashQueue: env.PASSWORD_HASH_QUEUE,
      logLevel: env.LOG_LEVEL,
      /** Reverse proxies in front of the service: their X-Forwarded-* headers are trusted. */
      trustProxyHops: env.TRUST_PROXY,
    } as const;
  });

/** The callback on this very server, as a developer's provider would have it registered. */
function defaultRedirectUri(port: number): string {
  return `http://localhost:${port}/auth/oidc/callback`;
}

const DOMAIN = /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/;

interface OidcEnv {
  PORT: number;
  OIDC_ISSUER_URL?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  OIDC_REDIRECT_URI?: string;
  OIDC_SCOPES: string[];
  OIDC_ALLOWED_EMAIL_DOMAINS: string[];
}

/**
 * Single sign-on is all or nothing: the other OIDC_* variables without an issuer would be
 * silently ignored, so they are refused. In production the client must authenticate itself
 * (a public client's code could be redeemed by anyone who intercepts it) and the callback,
 * which receives that code, must be https.
 */
function checkOidcEnv(env: OidcEnv, production: boolean, problem: (path: string, message: string) => void): void {
  if (!env.OIDC_ISSUER_URL) {
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const) {
      if (env[name]) problem(name, 'is set but OIDC_ISSUER_URL is not: set both, or neither');
    }
    return;
  }
  if (!env.OIDC_CLIENT_ID) problem('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER_URL is set');
  if (!env.OIDC_SCOPES.includes('openid')) problem('OIDC_SCOPES', 'must include openid');
  for (const domain of env.OIDC_ALLOWED_EMAIL_DOMAINS.filter((item) => !DOMAIN.test(item))) {
    problem('OIDC_ALLOWED_EMAIL_DOMAINS', `"${domain}" is not a domain like example.com`);
  }
  if (production) {
    if (!env.OIDC_CLIENT_SECRET) problem('OIDC_CLIENT_SECRET', 'is required in production when OIDC_ISSUER_URL is set');
    const redirectUri = env.OIDC_REDIRECT_URI ?? defaultRedirectUri(env.PORT);
    if (redirectUri.startsWith('http://'))
      problem('OIDC_REDIRECT_URI', `must be https:// in production (is ${redirectUri})`);
  }
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

export type AppConfig = z.output<typeof envSchema>;

/**
 * Settings that production accepts but an operator should hear about, one line each,
 * logged at start-up (the checks above refuse what is unsafe outright).
 */
export function configWarnings(config: AppConfig): string[] {
  if (!config.isProduction) return [];
  const warnings: string[] = [];
  if (!config.cookie.secure) {
    warnings.push(
      'COOKIE_SECURE=false in production: cookies travel over plain HTTP; only behind TLS-terminating proxies that never serve http',
    );
  }
  for (const origin of config.corsOrigins.filter((item) => item.startsWith('http://'))) {
    warnings.push(`CORS_ORIGINS lists ${origin} over plain http in production: its traffic can be read and altered`);
  }
  return warnings;
}

/** The name of every variable the schema reads: what a deployment (docker-compose.yml) must be able to pass. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.in.shape);
export type AuthStrategy = AppConfig['authStrategy'];

/** Start-up refuses to go on: `problems` holds one human line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (process.env, or a test's own record). */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return `${variable}: ${issue.message}`;
    }),
  );
}
