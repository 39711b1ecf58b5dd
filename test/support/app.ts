import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig, AuthStrategy, loadConfig } from '../../src/config/config.schema';
import { testRedisUrl } from './private-redis';
import { namesRedis, redisClientOf, redisEnvOf } from './redis-topology';

/** The mode this run of the suite proves; jest.config.js runs the e2e project once per mode. */
export const STRATEGY: AuthStrategy = (process.env.AUTH_STRATEGY as AuthStrategy | undefined) ?? 'session';
/** This run's private Redis (jest.config.js starts it): never the machine's. */
export const REDIS_URL = testRedisUrl();
/** The variables that point the service at this project's Redis: REDIS_URL, or a cluster's seeds. */
export const REDIS_ENV = redisEnvOf(REDIS_URL);
/** A client of this project's Redis (one server or the cluster), for specs that look at keys. */
export const testRedis = () => redisClientOf(REDIS_ENV);

export const usesSessions = STRATEGY !== 'jwt';
export const usesTokens = STRATEGY !== 'session';

export interface TestApp {
  app: NestExpressApplication;
  http: Server;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * The real application, as main.ts builds it, on the real Redis, for this run's mode.
 * `env` overrides the variables of CONFIG.md for one test (short TTLs, a private Redis).
 */
export async function startApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_STRATEGY: STRATEGY,
    // A spec that names its own Redis (a private server) gets exactly that one.
    ...(namesRedis(env) ? {} : REDIS_ENV),
    // Many tests log in and register from 127.0.0.1; the limit specs set their own limits.
    LOGIN_MAX_ATTEMPTS: '1000',
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    REGISTER_MAX_PER_IP: '100000',
    // Lets a spec pose as a distinct client with X-Forwarded-For.
    TRUST_PROXY: '1',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
  configureApp(app, config);
  await app.init();
  return { app, http: app.getHttpServer(), config, close: () => app.close() };
}
