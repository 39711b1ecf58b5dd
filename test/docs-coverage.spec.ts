import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { AuthStrategy, CONFIG_VARIABLES, loadConfig } from '../src/config/config.schema';
import { KeyDir, keyEnv } from './support/keys';
import { ROOT, tableRows } from './support/markdown';

/**
 * docs/configuration.md and docs/api.md say what the code does: every variable of the
 * configuration schema has a row in configuration.md, and every route of the application, in
 * every AUTH_STRATEGY and JWT_ALGORITHM, has a row in api.md, with the modes it exists in; and
 * neither page lists what the code does not have. A merge that adds a variable or a route
 * without documenting it fails here.
 *
 * The routes come from the OpenAPI document (GET /docs-json) of the real application, built as
 * main.ts builds it, on memory stores: no Redis, no MongoDB, nothing listening.
 */

const STRATEGIES: AuthStrategy[] = ['session', 'jwt', 'both'];
const ALGORITHMS = ['HS256', 'ES256'] as const;
/** Served by SwaggerModule.setup next to the document, not described in it. */
const SWAGGER_ROUTES = ['GET /docs', 'GET /docs-json'];

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** `A`, or `A`, `B`: the backticked names of a table's first cell. */
const namesIn = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

/** Nothing on the console: the memory stores' development warnings are expected here. */
const silent: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

/** `METHOD /path` of every operation of the running application's document, `{id}` written `:id`. */
async function applicationRoutes(env: Record<string, string>): Promise<{ routes: string[]; swagger: number[] }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  // No REDIS_URL, MONGODB_URI: memory stores, as loadConfig chooses them.
  expect([config.dataStore, config.sessionStore, config.redis]).toEqual(['memory', 'memory', undefined]);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .setLogger(silent)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: silent });
  try {
    configureApp(app, config);
    await app.init();
    const http = app.getHttpServer();
    const doc = (await request(http).get('/docs-json').expect(200)).body as OpenApiDocument;
    const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const swagger = [(await request(http).get('/docs')).status, (await request(http).get('/docs-json')).status];
    return { routes, swagger };
  } finally {
    await app.close();
  }
}

describe('docs/configuration.md', () => {
  const rows = tableRows(read('docs/configuration.md'), 'variable');
  const documented = rows.flatMap(([first]) => namesIn(first));

  it('has tables of variables', () => {
    expect(rows.length).toBeGreaterThan(20);
  });

  it('documents every variable of the configuration schema, each in one row', () => {
    expect(CONFIG_VARIABLES.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name, i) => documented.indexOf(name) !== i)).toEqual([]);
  });

  it('documents no variable that the schema does not read', () => {
    expect(documented.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });

  it('gives every variable its values, default and notes', () => {
    expect(rows.filter((row) => row.length !== 4 || row.slice(1, 3).some((cell) => cell === ''))).toEqual([]);
  });
});

describe('docs/api.md', () => {
  const rows = tableRows(read('docs/api.md'), 'route');
  /** Route → the modes its "modes" cell names (`all` is every one). */
  const documented = new Map(
    rows.map(([route, modes]) => {
      const names = namesIn(modes).filter((name): name is AuthStrategy => (STRATEGIES as string[]).includes(name));
      return [namesIn(route)[0] ?? route, (modes === 'all' ? [...STRATEGIES] : names).sort()] as const;
    }),
  );
  /** Route → the modes it exists in, in some JWT_ALGORITHM. */
  const existing = new Map<string, AuthStrategy[]>();
  const keys = new KeyDir();

  // Six applications on memory stores take seconds; the limit only bounds one that hangs, generously for a busy machine.
  beforeAll(async () => {
    const es256 = keyEnv(keys.generate('ES256'));
    for (const strategy of STRATEGIES) {
      for (const algorithm of ALGORITHMS) {
        // With single sign-on on (nothing listens at the issuer: discovery fails quietly), so that its routes count.
        const env = {
          AUTH_STRATEGY: strategy,
          OIDC_ISSUER_URL: 'http://127.0.0.1:9',
          OIDC_CLIENT_ID: 'docs-coverage',
          ...(algorithm === 'ES256' ? es256 : {}),
        };
        const { routes, swagger } = await applicationRoutes(env);
        // The routes outside the document exist in every mode, and are counted here only if they answer.
        expect([strategy, algorithm, swagger]).toEqual([strategy, algorithm, [200, 200]]);
        for (const route of [...routes, ...SWAGGER_ROUTES]) {
          const modes = existing.get(route) ?? [];
          if (!modes.includes(strategy)) existing.set(route, [...modes, strategy].sort());
        }
      }
    }
  }, 120_000);
  afterAll(() => keys.remove());

  it('has a table of routes, one `METHOD /path` a row', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect([...documented.keys()].filter((route) => !/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/.test(route))).toEqual([]);
    expect(documented.size).toBe(rows.length);
  });

  it('documents every route of the application, in every AUTH_STRATEGY and JWT_ALGORITHM', () => {
    expect(existing.size).toBeGreaterThan(10);
    expect([...existing.keys()].filter((route) => !documented.has(route)).sort()).toEqual([]);
  });

  it('documents no route that the application does not have', () => {
    expect([...documented.keys()].filter((route) => !existing.has(route)).sort()).toEqual([]);
  });

  it('names, for each route, exactly the modes it exists in', () => {
    const wrong = [...existing].filter(([route, modes]) => documented.get(route)?.join() !== modes.join());
    expect(
      wrong.map(
        ([route, modes]) => `${route}: exists in ${modes.join(', ')}; api.md says ${String(documented.get(route))}`,
      ),
    ).toEqual([]);
  });
});
