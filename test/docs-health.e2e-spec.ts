import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesSessions, usesTokens } from './support/app';
import { contractRoutes } from './support/routes';
import { KeyDir, keyEnv } from './support/keys';

/** GET /health, GET /docs and GET /docs-json (API.md): public, in every mode. */

interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema & { $ref?: string }>;
  required?: string[];
  items?: OpenApiSchema;
  enum?: unknown[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
}

interface OpenApiParameter {
  name: string;
  in: string;
  required: boolean;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[] }>>;
  security?: Record<string, string[]>[];
  components: { securitySchemes?: Record<string, unknown>; schemas: Record<string, OpenApiSchema> };
}

function routesOf(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

async function documentOf(t: TestApp): Promise<OpenApiDocument> {
  const res = await request(t.http).get('/docs-json').expect(200);
  expect(res.type).toBe('application/json');
  return res.body as OpenApiDocument;
}

describe('health and docs', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startApp();
    doc = await documentOf(t);
  });
  afterAll(() => t.close());

  describe('GET /health', () => {
    it('is 200 {status: "ok"} without credentials, naming redis as up (the only store configured)', async () => {
      const res = await request(t.http).get('/health').expect(200);

      expect(res.type).toBe('application/json');
      expect(res.body).toEqual({
        status: 'ok',
        info: { redis: { status: 'up' } },
        error: {},
        details: { redis: { status: 'up' } },
      });
    });
  });

  describe('GET /docs', () => {
    it('serves Swagger UI as HTML, with assets that load', async () => {
      const res = await request(t.http).get('/docs').expect(200);

      expect(res.type).toBe('text/html');
      expect(res.text).toContain('<title>Swagger UI</title>');
      expect(res.text).toContain('id="swagger-ui"');
      const css = await request(t.http).get('/docs/swagger-ui.css').expect(200);
      expect(css.type).toBe('text/css');
      const init = await request(t.http).get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('"title": "nest-dual-auth"');
    });
  });

  describe('GET /docs-json', () => {
    it('is an OpenAPI 3 document of this service', () => {
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info.title).toBe('nest-dual-auth');
    });

    it(`lists exactly the routes of the route table that exist in ${STRATEGY} mode with HS256`, () => {
      expect(routesOf(doc).sort()).toEqual(contractRoutes(STRATEGY, false));
    });

    it(`declares the security scheme(s) of ${STRATEGY} mode and requires one of them`, () => {
      const cookie = { type: 'apiKey', in: 'cookie', name: t.config.session.cookieName };
      const bearer = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
      const csrf = { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: expect.any(String) as string };

      expect(doc.components.securitySchemes).toEqual({
        ...(usesTokens ? { bearer } : {}),
        ...(usesSessions ? { cookie, csrf } : {}),
      });
      expect(doc.security).toEqual([
        ...(usesTokens ? [{ bearer: [] }] : []),
        ...(usesSessions ? [{ cookie: [] }] : []),
      ]);
    });

    it('describes the post DTOs: CreatePostDto, UpdatePostDto, GeoPointDto, PostResponse, NearPostResponse', () => {
      const { schemas } = doc.components;

      expect(Object.keys(schemas.CreatePostDto.properties!).sort()).toEqual(['location', 'text']);
      expect(schemas.CreatePostDto.required!.sort()).toEqual(['location', 'text']);
      expect(schemas.CreatePostDto.properties!.text).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
      expect(schemas.CreatePostDto.properties!.location.$ref).toBe('#/components/schemas/GeoPointDto');

      expect(Object.keys(schemas.UpdatePostDto.properties!).sort()).toEqual(['location', 'text']);
      expect(schemas.UpdatePostDto.required ?? []).toEqual([]);

      expect(schemas.GeoPointDto.properties!.type).toMatchObject({ enum: ['Point'] });
      expect(schemas.GeoPointDto.properties!.coordinates).toMatchObject({
        type: 'array',
        items: { type: 'number' },
        minItems: 2,
        maxItems: 2,
      });

      const postFields = ['createdAt', 'id', 'location', 'text', 'updatedAt', 'userId'];
      expect(Object.keys(schemas.PostResponse.properties!).sort()).toEqual(postFields);
      expect(Object.keys(schemas.NearPostResponse.properties!).sort()).toEqual([...postFields, 'distance'].sort());
    });

    it('describes the auth DTOs of the mode', () => {
      const { schemas } = doc.components;

      expect(Object.keys(schemas.RegisterDto.properties!).sort()).toEqual(['email', 'name', 'password']);
      expect(schemas.RegisterDto.required!.sort()).toEqual(['email', 'password']);
      expect(schemas.RegisterDto.properties!.password).toMatchObject({ minLength: 8, maxLength: 128 });
      expect(Object.keys(schemas.LoginDto.properties!).sort()).toEqual(['email', 'password']);
      expect(Object.keys(schemas.UserResponse.properties!).sort()).toEqual([
        'createdAt',
        'email',
        'id',
        'name',
        'roles',
      ]);
      expect(Object.keys(schemas.LogoutDto.properties!)).toEqual(['refreshToken']);
      expect(schemas.RefreshDto === undefined).toBe(!usesTokens);
      expect(schemas.CsrfTokenResponse === undefined).toBe(!usesSessions);
    });

    it('documents the query and path parameters of /posts', () => {
      const params = (path: string, method: string) =>
        Object.fromEntries((doc.paths[path][method].parameters ?? []).map((p) => [p.name, `${p.in}:${p.required}`]));

      expect(params('/posts', 'get')).toEqual({ limit: 'query:false', before: 'query:false' });
      expect(params('/posts/near', 'get')).toEqual({
        lng: 'query:true',
        lat: 'query:true',
        maxDistance: 'query:false',
        limit: 'query:false',
      });
      for (const method of ['get', 'patch', 'delete'])
        expect(params('/posts/{id}', method)).toEqual({ id: 'path:true' });
    });
  });

  describe('with RS256', () => {
    let keys: KeyDir;
    let rs: TestApp;

    beforeAll(async () => {
      keys = new KeyDir();
      rs = await startApp(keyEnv(keys.generate('RS256')));
    });
    afterAll(async () => {
      await rs.close();
      keys.remove();
    });

    it(`documents GET /.well-known/jwks.json exactly where it exists (${usesTokens ? 'here' : 'not in session mode'})`, async () => {
      const routes = routesOf(await documentOf(rs));

      expect(routes.includes('GET /.well-known/jwks.json')).toBe(usesTokens);
      expect((await request(rs.http).get('/.well-known/jwks.json')).status).toBe(usesTokens ? 200 : 404);
    });
  });
});
