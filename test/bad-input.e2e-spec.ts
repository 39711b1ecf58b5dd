import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startApp, TestApp, usesTokens } from './support/app';
import { ApiClient, CREDENTIALS, PASSWORD, SignedUp, uniqueEmail } from './support/client';
import { expectClientError, expectError } from './support/http-error';
import { countPosts, createPost, point, PostBody } from './support/posts';

/**
 * Every route with a body or a query, fed wrong types in every field, operator objects,
 * prototype keys, oversized and malformed bodies, wrong content types and repeated
 * parameters: a 4xx with NestJS's error shape every time, never a 5xx, and nothing stored.
 */

type Body = Record<string, unknown>;

/** What a case sends: a JSON value (serialised by supertest) or raw bytes with a content type. */
type Payload = { json: object } | { raw: string; type: string };

interface BodyCase {
  name: string;
  /** The exact status API.md gives; any 4xx when it leaves that open (content types). */
  status?: number;
  payload: (valid: Body) => Payload;
}

function attach(req: request.Test, payload: Payload): request.Test {
  return 'json' in payload ? req.send(payload.json) : req.set('Content-Type', payload.type).send(payload.raw);
}

function sent(payload: Payload): string {
  return 'json' in payload ? JSON.stringify(payload.json) : payload.raw;
}

function expectRefused(res: request.Response, status?: number): void {
  if (status === undefined) expectClientError(res);
  else expectError(res, status);
}

const omit = (body: Body, field: string): Body => Object.fromEntries(Object.entries(body).filter(([k]) => k !== field));

/** Wrong types for a field that wants a string. */
const NOT_STRINGS: [string, unknown][] = [
  ['a number', 42],
  ['0', 0],
  ['a float', 1.5],
  ['true', true],
  ['false', false],
  ['an empty array', []],
  ['an array of strings', ['a', 'b']],
  ['an empty object', {}],
  ['an object', { a: 1 }],
  ['{"$gt":""}', { $gt: '' }],
  ['{"$ne":null}', { $ne: null }],
];
const NULL: [string, unknown][] = [['null', null]];
/** Over every field limit, still under the 100 kB body limit. */
const HUGE = 'x'.repeat(60_000);

/** `field` set to each value (400), and left out when the field is required (400). */
function fieldCases(field: string, values: [string, unknown][], required: boolean): BodyCase[] {
  const cases: BodyCase[] = values.map(([label, value]) => ({
    name: `${field}: ${label}`,
    status: 400,
    payload: (valid) => ({ json: { ...valid, [field]: value } }),
  }));
  if (required)
    cases.push({ name: `${field}: missing`, status: 400, payload: (valid) => ({ json: omit(valid, field) }) });
  return cases;
}

function unknownFieldCases(fields: [string, unknown][]): BodyCase[] {
  return fields.map(([field, value]) => ({
    name: `unknown field ${field}`,
    status: 400,
    payload: (valid) => ({ json: { ...valid, [field]: value } }),
  }));
}

/** The valid body's JSON with one more member written verbatim (so `__proto__` is a real key). */
function withMember(valid: Body, key: string, rawValue: string): string {
  const json = JSON.stringify(valid);
  return json === '{}' ? `{"${key}":${rawValue}}` : `${json.slice(0, -1)},"${key}":${rawValue}}`;
}

const JSON_TYPE = 'application/json';
/** Within the 100 kB limit: as deep as a body may nest. */
const DEEP = 40_000;

/** Attacks on the body as a whole, the same for every route that takes one. */
function bodyCases(): BodyCase[] {
  const raw = (name: string, status: number | undefined, make: (valid: Body) => string, type = JSON_TYPE) => ({
    name,
    status,
    payload: (valid: Body) => ({ raw: make(valid), type }),
  });
  return [
    raw('invalid JSON: truncated', 400, (valid) => JSON.stringify(valid).slice(0, -1)),
    raw('invalid JSON: single quotes', 400, () => "{'email':'a'}"),
    raw('invalid JSON: bare keys', 400, () => '{email:1}'),
    raw('invalid JSON: trailing comma', 400, (valid) => withMember(valid, 'x', '1').replace(/}$/, ',}')),
    raw('JSON string at the top level', 400, () => '"text"'),
    raw('JSON number at the top level', 400, () => '42'),
    raw('JSON true at the top level', 400, () => 'true'),
    raw('JSON null at the top level', 400, () => 'null'),
    raw('an empty JSON array', 400, () => '[]'),
    raw('the valid body inside an array', 400, (valid) => `[${JSON.stringify(valid)}]`),
    raw('a __proto__ key', 400, (valid) => withMember(valid, '__proto__', '{"isAdmin":true,"userId":"0"}')),
    raw('a constructor key', 400, (valid) => withMember(valid, 'constructor', '{"prototype":{"isAdmin":true}}')),
    raw('a toString key', 400, (valid) => withMember(valid, 'toString', '"x"')),
    raw('an unknown field', 400, (valid) => withMember(valid, 'unexpected', '1')),
    raw(`arrays nested ${DEEP} deep`, undefined, (valid) =>
      withMember(valid, 'nested', '['.repeat(DEEP) + ']'.repeat(DEEP)),
    ),
    raw('a JSON body over 100 kB', 413, (valid) =>
      withMember(valid, 'padding', JSON.stringify('x'.repeat(101 * 1024))),
    ),
    raw('text/plain', undefined, (valid) => JSON.stringify(valid), 'text/plain'),
    raw(
      'application/x-www-form-urlencoded',
      undefined,
      // Never empty (an empty body is no body): the valid fields, and one more.
      (valid) =>
        new URLSearchParams([...Object.entries(valid).map(([k, v]) => [k, String(v)]), ['form', '1']]).toString(),
      'application/x-www-form-urlencoded',
    ),
    raw('application/xml', undefined, () => '<post><text>x</text></post>', 'application/xml'),
  ];
}

const LOCATION_VALUES: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['true', true],
  ['a string', 'Point'],
  ['an empty array', []],
  ['a bare [lng, lat] array', [1, 2]],
  ['an array of points', [point(1, 2)]],
  ['an empty object', {}],
  ['{"$ne":null}', { $ne: null }],
  ['a $near operator', { $near: { $geometry: point(1, 2) } }],
  ['no coordinates', { type: 'Point' }],
  ['no type', { coordinates: [1, 2] }],
  ['type Polygon', { type: 'Polygon', coordinates: [1, 2] }],
  ['type LineString', { type: 'LineString', coordinates: [1, 2] }],
  ['type point (lower case)', { type: 'point', coordinates: [1, 2] }],
  ['type empty', { type: '', coordinates: [1, 2] }],
  ['type null', { type: null, coordinates: [1, 2] }],
  ['type a number', { type: 1, coordinates: [1, 2] }],
  ['type {"$ne":null}', { type: { $ne: null }, coordinates: [1, 2] }],
  ['an extra member', { ...point(1, 2), extra: 1 }],
  ['coordinates null', { type: 'Point', coordinates: null }],
  ['coordinates empty', { type: 'Point', coordinates: [] }],
  ['coordinates with 1 number', { type: 'Point', coordinates: [1] }],
  ['coordinates with 3 numbers', { type: 'Point', coordinates: [1, 2, 3] }],
  ['coordinates as strings', { type: 'Point', coordinates: ['1', '2'] }],
  ['coordinates "NaN"', { type: 'Point', coordinates: ['NaN', 0] }],
  ['coordinates "Infinity"', { type: 'Point', coordinates: [0, 'Infinity'] }],
  ['coordinates nulls', { type: 'Point', coordinates: [null, null] }],
  ['coordinates booleans', { type: 'Point', coordinates: [true, false] }],
  ['coordinates nested', { type: 'Point', coordinates: [[1, 2]] }],
  ['coordinates as an object', { type: 'Point', coordinates: { 0: 1, 1: 2 } }],
  ['coordinates as a string', { type: 'Point', coordinates: '1,2' }],
  ['coordinates with an operator', { type: 'Point', coordinates: [{ $gt: 0 }, 0] }],
  ['lng 180.0001', { type: 'Point', coordinates: [180.0001, 0] }],
  ['lng -181', { type: 'Point', coordinates: [-181, 0] }],
  ['lat 90.0001', { type: 'Point', coordinates: [0, 90.0001] }],
  ['lat -91', { type: 'Point', coordinates: [0, -91] }],
  ['lng and lat swapped out of range', { type: 'Point', coordinates: [52.52, 213.405] }],
];

/** JSON has no NaN or Infinity, but 1e999 parses to Infinity. */
function infiniteCoordinateCases(valid: () => Body): BodyCase[] {
  return ['[1e999,0]', '[0,-1e999]'].map((coordinates) => ({
    name: `coordinates ${coordinates}`,
    status: 400,
    payload: () => ({
      raw: withMember(omit(valid(), 'location'), 'location', `{"type":"Point","coordinates":${coordinates}}`),
      type: JSON_TYPE,
    }),
  }));
}

const TEXT_VALUES: [string, unknown][] = [
  ...NOT_STRINGS,
  ...NULL,
  ['0 characters', ''],
  ['2001 characters', 'x'.repeat(2001)],
  ['huge', HUGE],
];

const POST_UNKNOWN_FIELDS: [string, unknown][] = [
  ['userId', '0123456789abcdef01234567'],
  ['id', '0123456789abcdef01234567'],
  ['_id', '0123456789abcdef01234567'],
  ['createdAt', '2020-01-01T00:00:00.000Z'],
  ['distance', 0],
];

/** Query strings for GET /posts and GET /posts/near that must be a 400. */
const BAD_NUMBERS = [
  'abc',
  '',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x10',
  '%205',
  '1,2',
  '%00',
  '{"$gt":""}',
  '9'.repeat(400),
];
const BAD_LIMITS = [...BAD_NUMBERS, '0', '-1', '101', '1.5', '1e3'];
const BAD_OBJECT_IDS = [
  'abc',
  '',
  '0'.repeat(23),
  '0'.repeat(25),
  'g'.repeat(24),
  '%20'.repeat(24),
  encodeURIComponent('{"$gt":""}'),
  encodeURIComponent('{"$ne":null}'),
];
const PROTOTYPE_PARAMS = ['__proto__=1', 'constructor=1', 'toString=1'];

const LIST_QUERIES = [
  ...BAD_LIMITS.map((value) => `limit=${value}`),
  ...BAD_OBJECT_IDS.map((value) => `before=${value}`),
  'limit=1&limit=2',
  'limit[]=5',
  'limit[$gt]=1',
  `before=${'0'.repeat(24)}&before=${'f'.repeat(24)}`,
  'before[$gt]=',
  'unknown=1',
  ...PROTOTYPE_PARAMS,
];

const AT = 'lng=13.4&lat=52.5';
const NEAR_QUERIES = [
  '',
  'lat=52.5',
  'lng=13.4',
  ...[...BAD_NUMBERS, '180.0001', '-181'].map((value) => `lng=${value}&lat=52.5`),
  ...[...BAD_NUMBERS, '90.0001', '-91'].map((value) => `lng=13.4&lat=${value}`),
  ...[...BAD_NUMBERS, '0', '-1', '-0.5', '100001'].map((value) => `${AT}&maxDistance=${value}`),
  ...BAD_LIMITS.map((value) => `${AT}&limit=${value}`),
  'lng=1&lng=2&lat=52.5',
  'lng=13.4&lat=1&lat=2',
  `${AT}&maxDistance=10&maxDistance=20`,
  `${AT}&limit=5&limit=6`,
  'lng[$gt]=0&lat=52.5',
  'lng[]=1&lat=52.5',
  `${AT}&unknown=1`,
  ...PROTOTYPE_PARAMS.map((param) => `${AT}&${param}`),
];

const BAD_POST_IDS = [
  'abc',
  '123',
  'g'.repeat(24),
  '0'.repeat(23),
  '0'.repeat(25),
  'a'.repeat(2000),
  encodeURIComponent('{"$gt":""}'),
  '%00',
  '%FF',
  'null',
  'undefined',
  '[object Object]',
  '%20'.repeat(24),
];

/** What register and login both refuse as a password. */
const BAD_PASSWORDS: [string, unknown][] = [
  ...NOT_STRINGS,
  ...NULL,
  ['empty', ''],
  ['7 characters', '1234567'],
  ['129 characters', 'p'.repeat(129)],
  ['huge', HUGE],
];

describe('bad input', () => {
  let t: TestApp;
  /** Failed logins count per IP in the shared Redis: these come from an address of their own. */
  const probeIp = `10.${randomBytes(3).join('.')}`;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  describe('POST /auth/register', () => {
    const cases: BodyCase[] = [
      ...fieldCases(
        'email',
        [
          ...NOT_STRINGS,
          ...NULL,
          ['empty', ''],
          ['not an email', 'not-an-email'],
          ['no domain', 'ann@'],
          ['over 254 characters', `${'a'.repeat(250)}@example.com`],
          ['huge', HUGE],
        ],
        true,
      ),
      ...fieldCases('password', BAD_PASSWORDS, true),
      ...fieldCases(
        'name',
        [...NOT_STRINGS, ['empty', ''], ['blank', '   '], ['101 characters', 'n'.repeat(101)], ['huge', HUGE]],
        false,
      ),
      ...unknownFieldCases([
        ['role', 'admin'],
        ['isAdmin', true],
        ['id', '0123456789abcdef01234567'],
        ['passwordHash', 'x'],
        ['createdAt', '2020-01-01T00:00:00.000Z'],
      ]),
      ...bodyCases(),
    ];

    it.each(cases)('refuses $name, and no account exists afterwards', async ({ status, payload }) => {
      const valid = { email: uniqueEmail('bad-register'), password: PASSWORD, name: 'Ann' };
      const body = payload(valid);

      expectRefused(await attach(request(t.http).post('/auth/register'), body), status);

      // Where the attempt carried a usable email, that email has no account: login fails, registering works.
      if (sent(body).includes(valid.email)) {
        const login = await request(t.http)
          .post('/auth/login')
          .set('X-Forwarded-For', probeIp)
          .send({ email: valid.email, password: PASSWORD });
        expectError(login, 401);
        await request(t.http).post('/auth/register').send({ email: valid.email, password: PASSWORD }).expect(201);
      }
    });
  });

  describe('POST /auth/login', () => {
    const email = uniqueEmail('bad-login');
    const cases: BodyCase[] = [
      ...fieldCases(
        'email',
        [
          ...NOT_STRINGS,
          ...NULL,
          ['empty', ''],
          ['not an email', 'not-an-email'],
          ['over 254 characters', `${'a'.repeat(250)}@x.io`],
        ],
        true,
      ),
      ...fieldCases('password', BAD_PASSWORDS, true),
      ...unknownFieldCases([
        ['remember', true],
        ['name', 'Ann'],
      ]),
      ...bodyCases(),
    ];

    beforeAll(async () => {
      await request(t.http).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    });

    // The valid parts are a real account's credentials: a body that slipped through would log in.
    it.each(cases)('refuses $name without logging in', async ({ status, payload }) => {
      const res = await attach(
        request(t.http).post('/auth/login').set('X-Forwarded-For', probeIp),
        payload({ email, password: PASSWORD }),
      );

      expectRefused(res, status);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).not.toHaveProperty('accessToken');
    });

    it('still logs the account in with a valid body', async () => {
      await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
    });
  });

  describe('POST /auth/refresh', () => {
    if (usesTokens) {
      const cases: BodyCase[] = [
        ...fieldCases(
          'refreshToken',
          [
            ...NOT_STRINGS,
            ...NULL,
            ['empty', ''],
            ['not a JWT', 'not-a-jwt'],
            ['over 4096 characters', `a.${'b'.repeat(4100)}.c`],
          ],
          true,
        ),
        ...unknownFieldCases([
          ['accessToken', 'a.b.c'],
          ['userId', '0123456789abcdef01234567'],
        ]),
        ...bodyCases(),
      ];
      let email: string;

      beforeAll(async () => {
        email = (await ApiClient.signUp(t.http, 'bearer')).email;
      });

      // Each case carries a live refresh token of its own: a body that slipped through would rotate it.
      it.each(cases)('refuses $name without issuing tokens', async ({ status, payload }) => {
        const client = ApiClient.anonymous(t.http, 'bearer');
        await client.login(email, PASSWORD);

        const res = await attach(request(t.http).post('/auth/refresh'), payload({ refreshToken: client.refreshToken }));

        expectRefused(res, status);
        expect(res.body).not.toHaveProperty('accessToken');
      });
    } else {
      it('does not exist in session mode (404), whatever the body', async () => {
        expectError(await request(t.http).post('/auth/refresh').send({ refreshToken: 'a.b.c' }), 404);
        expectError(await request(t.http).post('/auth/refresh').send({ refreshToken: 42 }), 404);
      });
    }
  });

  describe.each(CREDENTIALS)('via %s', (via) => {
    let me: SignedUp;

    beforeAll(async () => {
      me = await ApiClient.signUp(t.http, via);
    });

    beforeEach(async () => {
      // A case that wrongly logged out (a bug) must not take the next ones down with it.
      if ((await me.client.get('/auth/me')).status !== 200) await me.client.login(me.email, PASSWORD);
    });

    describe('POST /auth/logout', () => {
      const cases: BodyCase[] = [
        ...fieldCases(
          'refreshToken',
          [
            ...NOT_STRINGS,
            ['empty', ''],
            ['not a JWT', 'not-a-jwt'],
            ['four segments', 'a.b.c.d'],
            ['over 4096 characters', `a.${'b'.repeat(4100)}.c`],
          ],
          false,
        ),
        ...unknownFieldCases([
          ['everywhere', true],
          ['userId', '0123456789abcdef01234567'],
        ]),
        ...bodyCases(),
      ];

      it.each(cases)('refuses $name and the caller stays logged in', async ({ status, payload }) => {
        expectRefused(await attach(me.client.post('/auth/logout'), payload({})), status);

        await me.client.get('/auth/me').expect(200);
      });
    });

    describe('POST /posts', () => {
      const valid = () => ({ text: 'valid text', location: point(1, 2) });
      const cases: BodyCase[] = [
        ...fieldCases('text', TEXT_VALUES, true),
        ...fieldCases('location', LOCATION_VALUES, true),
        ...infiniteCoordinateCases(valid),
        ...unknownFieldCases(POST_UNKNOWN_FIELDS),
        ...bodyCases(),
      ];

      it.each(cases)('refuses $name and stores nothing', async ({ status, payload }) => {
        const before = await countPosts(me.client);

        expectRefused(await attach(me.client.post('/posts'), payload(valid())), status);

        expect(await countPosts(me.client)).toBe(before);
      });
    });

    describe('PATCH /posts/:id', () => {
      const valid = () => ({ text: 'patched', location: point(3, 4) });
      const cases: BodyCase[] = [
        { name: 'an empty body', status: 400, payload: () => ({ json: {} }) },
        ...fieldCases('text', TEXT_VALUES, false),
        ...fieldCases('location', LOCATION_VALUES, false),
        ...infiniteCoordinateCases(valid),
        ...unknownFieldCases(POST_UNKNOWN_FIELDS),
        ...bodyCases(),
      ];
      let post: PostBody;

      beforeAll(async () => {
        post = await createPost(me.client, 'unpatched', point(5, 6));
      });

      it.each(cases)('refuses $name and leaves the post as it was', async ({ status, payload }) => {
        const before = (await me.client.get(`/posts/${post.id}`).expect(200)).body as PostBody;
        const count = await countPosts(me.client);

        expectRefused(await attach(me.client.patch(`/posts/${post.id}`), payload(valid())), status);

        expect((await me.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(before);
        expect(await countPosts(me.client)).toBe(count);
      });
    });

    describe('GET /posts', () => {
      it.each(LIST_QUERIES)('refuses ?%s with 400', async (query) => {
        expectError(await me.client.get(`/posts?${query}`), 400);
      });
    });

    describe('GET /posts/near', () => {
      it.each(NEAR_QUERIES)('refuses ?%s with 400', async (query) => {
        expectError(await me.client.get(`/posts/near?${query}`), 400);
      });
    });

    describe('GET, PATCH and DELETE /posts/:id', () => {
      it.each(BAD_POST_IDS.map((id) => [id.length > 40 ? `${id.slice(0, 20)}… (${id.length} chars)` : id, id]))(
        'refuses the id %s with 400',
        async (_label, id) => {
          const count = await countPosts(me.client);

          expectError(await me.client.get(`/posts/${id}`), 400);
          expectError(await me.client.patch(`/posts/${id}`).send({ text: 'x' }), 400);
          expectError(await me.client.delete(`/posts/${id}`), 400);

          expect(await countPosts(me.client)).toBe(count);
        },
      );
    });
  });

  describe('bytes that are not UTF-8', () => {
    /** A JSON body whose `text`/`email` holds 0xFF 0xFE, which the decoder would turn into U+FFFD. */
    const withInvalidUtf8 = (before: string, after: string) =>
      Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]);

    it('are a 400 on POST /auth/register, and no account exists', async () => {
      const email = uniqueEmail('utf8');
      const res = await request(t.http)
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send(withInvalidUtf8(`{"email":"${email}","password":"${PASSWORD}","name":"Ann`, '"}'));
      expectError(res, 400);
      await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(401);
    });

    it.each(CREDENTIALS)('are a 400 on POST /posts, and nothing is stored (%s)', async (via) => {
      const { client } = await ApiClient.signUp(t.http, via);
      const before = await countPosts(client);
      const res = await client
        .post('/posts')
        .set('Content-Type', 'application/json')
        .send(withInvalidUtf8('{"text":"caf', '","location":{"type":"Point","coordinates":[2.35,48.85]}}'));
      expectError(res, 400);
      expect(await countPosts(client)).toBe(before);
    });
  });
});
