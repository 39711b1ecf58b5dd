import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Script } from 'node:vm';
import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesSessions, usesTokens } from './support/app';
import { ApiClient } from './support/client';

/**
 * What the OpenAPI document says about authentication is what the service does: every
 * operation declared public (`security: []`) answers without a credential, every other one
 * answers 401 without one; unsafe operations with the cookie require the CSRF header, and the
 * service refuses them (403) without it. Swagger UI's own script (with the interceptors that
 * send the tokens) is valid JavaScript.
 */

type Requirement = Record<string, string[]>;

interface Operation {
  security?: Requirement[];
  [extension: `x-${string}`]: unknown;
}

interface OpenApiDocument {
  info: { description: string };
  security: Requirement[];
  paths: Record<string, Record<string, Operation>>;
}

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
/** Path parameters: a well-formed id nobody has, so that the answer is about authentication, not the id. */
const SAMPLE_ID = '665f1c2b9d3e4a0012345678';

function operations(doc: OpenApiDocument): { method: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method, path, operation })),
  );
}

type Sender = ReturnType<typeof request.agent>;

/** Sends `method path` through `via` (a fresh client, or an agent with cookies), with `{}` as the body of unsafe methods. */
function send(via: Sender, method: string, path: string): request.Test {
  const url = path.replace(/\{[^}]+\}/g, SAMPLE_ID);
  const req = via[method as 'get' | 'post' | 'put' | 'patch' | 'delete'](url);
  return UNSAFE.has(method) ? req.send({}) : req;
}

describe(`the OpenAPI document's security, ${STRATEGY} mode`, () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startApp();
    doc = (await request(t.http).get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => t.close());

  it('declares exactly the public routes of API.md with security: [], and leaks no x-public marker', () => {
    const open = operations(doc)
      .filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();

    expect(open).toEqual(
      [
        'GET /health',
        'POST /auth/login',
        'POST /auth/register',
        ...(usesTokens ? ['POST /auth/refresh'] : []),
        ...(usesSessions ? ['GET /auth/csrf'] : []),
      ].sort(),
    );
    expect(operations(doc).filter(({ operation }) => 'x-public' in operation)).toEqual([]);
  });

  it('every operation declared public answers without a credential; every other one answers 401', async () => {
    const wrong: string[] = [];
    for (const { method, path, operation } of operations(doc)) {
      const isPublic = operation.security?.length === 0;
      const res = await send(request(t.http), method, path);
      if (isPublic ? res.status === 401 || res.status === 403 : res.status !== 401) {
        wrong.push(`${method.toUpperCase()} ${path} (${isPublic ? 'public' : 'protected'}): ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('requires the CSRF header with the cookie exactly on unsafe protected operations', () => {
    for (const { method, path, operation } of operations(doc)) {
      const route = `${method.toUpperCase()} ${path}`;
      const isPublic = operation.security?.length === 0;
      const requirements = operation.security ?? doc.security;
      const expected: Requirement[] = isPublic
        ? []
        : [
            ...(usesTokens ? [{ bearer: [] }] : []),
            ...(usesSessions ? [UNSAFE.has(method) ? { cookie: [], csrf: [] } : { cookie: [] }] : []),
          ];
      expect([route, requirements]).toEqual([route, expected]);
    }
  });

  it(
    usesSessions
      ? 'and the service agrees: with the cookie but without the CSRF header, those operations are 403'
      : 'declares no CSRF requirement: there is no cookie in jwt mode',
    async () => {
      const withCsrf = operations(doc).filter(({ operation }) =>
        (operation.security ?? []).some((requirement) => 'csrf' in requirement),
      );
      if (!usesSessions) {
        expect(withCsrf).toEqual([]);
        return;
      }
      expect(withCsrf.length).toBeGreaterThan(0);
      const { client } = await ApiClient.signUp(t.http, 'cookie');
      for (const { method, path } of withCsrf) {
        // The agent sends the session cookie and nothing else.
        const res = await send(client.agent, method, path);
        expect([`${method.toUpperCase()} ${path}`, res.status]).toEqual([`${method.toUpperCase()} ${path}`, 403]);
      }
      // With the header, the same cookie gets past the CSRF check (an empty post is a 400).
      const post = await client.agent.post('/posts').set('X-CSRF-Token', client.csrfToken!).send({});
      expect(post.status).toBe(400);
    },
  );

  it('its description names no file the repository does not have', () => {
    const root = resolve(__dirname, '..');
    const files = doc.info.description.match(/[\w./-]+\.(md|json|ts|js|ya?ml)\b/g) ?? [];
    expect(files.filter((file) => !file.startsWith('/') && !existsSync(join(root, file)))).toEqual([]);
    expect(doc.info.description).toContain(`AUTH_STRATEGY=${STRATEGY}`);
  });

  it("serves Swagger UI's script, with the interceptors that send the CSRF and bearer tokens, as valid JavaScript", async () => {
    const res = await request(t.http).get('/docs/swagger-ui-init.js').expect(200);

    expect(() => new Script(res.text)).not.toThrow();
    expect(res.text).toMatch(/"requestInterceptor": async function requestInterceptor\(request\)/);
    expect(res.text).toMatch(/"responseInterceptor": function responseInterceptor\(response\)/);
  });
});
