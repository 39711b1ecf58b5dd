import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startApp, TestApp } from './support/app';
import { ApiClient, CREDENTIALS, SignedUp } from './support/client';
import { expectError } from './support/http-error';
import {
  countPosts,
  createPost,
  freshRegion,
  listAllPosts,
  METRES_PER_DEGREE,
  NearPostBody,
  north,
  OBJECT_ID,
  point,
  PostBody,
  sleep,
} from './support/posts';

/** /posts in every mode, once per credential of the mode (API.md: Routes, Shapes, Rules). */

const POST_KEYS = ['createdAt', 'id', 'location', 'text', 'updatedAt', 'userId'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An id in the right format that no post has. */
const unknownId = () => randomBytes(12).toString('hex');
const MALFORMED_IDS = ['not-an-id', '123', 'z'.repeat(24), '0'.repeat(23), '0'.repeat(25)];

function ids(posts: { id: string }[]): string[] {
  return posts.map((post) => post.id);
}

describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  describe('without credentials', () => {
    let owner: ApiClient;
    let post: PostBody;

    beforeAll(async () => {
      owner = (await ApiClient.signUp(t.http, CREDENTIALS[0])).client;
      post = await createPost(owner, 'guarded', point(10, 10));
    });

    it.each([
      ['GET', '/posts'],
      ['GET', '/posts?limit=5'],
      ['GET', '/posts/near?lng=10&lat=10'],
      ['GET', '/posts/:id'],
      ['POST', '/posts'],
      ['PATCH', '/posts/:id'],
      ['DELETE', '/posts/:id'],
    ])('%s %s is 401 and changes nothing', async (method, path) => {
      const url = path.replace(':id', post.id);
      const anonymous = request(t.http);
      const body = method === 'PATCH' ? { text: 'hijacked' } : { text: 'anonymous', location: point(10, 10) };
      const res =
        method === 'GET'
          ? await anonymous.get(url)
          : method === 'POST'
            ? await anonymous.post(url).send(body)
            : method === 'PATCH'
              ? await anonymous.patch(url).send(body)
              : await anonymous.delete(url);
      expectError(res, 401);

      expect((await owner.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
      expect((await listAllPosts(owner)).filter((p) => p.text === 'anonymous')).toEqual([]);
    });
  });

  describe.each(CREDENTIALS)('via %s', (via) => {
    let alice: SignedUp;
    let bob: SignedUp;

    beforeAll(async () => {
      alice = await ApiClient.signUp(t.http, via);
      bob = await ApiClient.signUp(t.http, via);
    });

    describe('POST /posts', () => {
      it('creates a post: 201 with exactly the Post shape, owned by the caller', async () => {
        const res = await alice.client
          .post('/posts')
          .send({ text: 'Coffee here is great', location: point(13.405, 52.52) })
          .expect(201);
        const body = res.body as PostBody;

        expect(body).toEqual({
          id: expect.stringMatching(OBJECT_ID) as unknown,
          userId: alice.user.id,
          text: 'Coffee here is great',
          location: { type: 'Point', coordinates: [13.405, 52.52] },
          createdAt: expect.stringMatching(ISO_DATE) as unknown,
          updatedAt: expect.stringMatching(ISO_DATE) as unknown,
        });
        expect(Object.keys(body).sort()).toEqual(POST_KEYS);
        expect(Object.keys(body.location).sort()).toEqual(['coordinates', 'type']);
        expect(body).not.toHaveProperty('_id');
        expect(body).not.toHaveProperty('__v');

        // Stored as returned.
        expect((await bob.client.get(`/posts/${body.id}`).expect(200)).body).toEqual(body);
      });

      it.each([
        ['the caller', () => alice.user.id],
        ['another user', () => bob.user.id],
      ])('rejects a body that sets userId (%s) with 400 and stores nothing', async (_label, userId) => {
        const text = `userId attempt ${randomBytes(4).toString('hex')}`;
        const before = await countPosts(alice.client);

        const res = await alice.client.post('/posts').send({ text, location: point(1, 1), userId: userId() });

        expectError(res, 400);
        expect(await countPosts(alice.client)).toBe(before);
        expect((await listAllPosts(alice.client)).filter((post) => post.text === text)).toEqual([]);
      });
    });

    describe('GET /posts', () => {
      const PAGE_SIZE = 7;
      const created: PostBody[] = [];
      const createdIds = new Set<string>();
      /** Ids of the posts of this block, newest first. */
      const expectedOrder = () => ids(created).reverse();

      beforeAll(async () => {
        const [lng, lat] = freshRegion();
        // More than the maximum limit, so that every bound can be seen.
        for (let i = 0; i < 105; i++) {
          const post = await createPost(i % 2 ? alice.client : bob.client, `page ${i}`, point(lng, lat));
          created.push(post);
          createdIds.add(post.id);
        }
      });

      it('lists newest first', async () => {
        const all = await listAllPosts(alice.client);

        const descending = all.slice(1).every((post, i) => post.id < all[i].id && post.createdAt <= all[i].createdAt);
        expect(descending).toBe(true);
        expect(ids(all.filter((post) => createdIds.has(post.id)))).toEqual(expectedOrder());
        all.forEach((post) => expect(Object.keys(post).sort()).toEqual(POST_KEYS));
      });

      it('returns 20 posts by default, the newest ones', async () => {
        const first100 = (await alice.client.get('/posts?limit=100').expect(200)).body as PostBody[];
        const res = await alice.client.get('/posts').expect(200);

        expect(res.body).toHaveLength(20);
        expect(res.body).toEqual(first100.slice(0, 20));
      });

      it('returns at most 100 posts and refuses a limit above 100 or below 1', async () => {
        expect((await alice.client.get('/posts?limit=100').expect(200)).body).toHaveLength(100);
        expect((await alice.client.get('/posts?limit=1').expect(200)).body).toEqual([
          ((await alice.client.get('/posts').expect(200)).body as PostBody[])[0],
        ]);
        expectError(await alice.client.get('/posts?limit=101'), 400);
        expectError(await alice.client.get('/posts?limit=0'), 400);
      });

      it('pages with `before` over every post: no gaps, no duplicates, each page older than the last', async () => {
        const pages: PostBody[][] = [];
        let before: string | undefined;
        for (;;) {
          const query = `limit=${PAGE_SIZE}${before ? `&before=${before}` : ''}`;
          const page = (await alice.client.get(`/posts?${query}`).expect(200)).body as PostBody[];
          pages.push(page);
          if (page.length < PAGE_SIZE) break;
          before = page[PAGE_SIZE - 1].id;
        }
        const walked = pages.flat();

        expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(105 / PAGE_SIZE));
        pages.slice(0, -1).forEach((page) => expect(page).toHaveLength(PAGE_SIZE));
        expect(new Set(ids(walked)).size).toBe(walked.length);
        expect(walked).toEqual(await listAllPosts(alice.client));
        expect(ids(walked.filter((post) => createdIds.has(post.id)))).toEqual(expectedOrder());
      });

      it('holds only posts strictly older than `before`', async () => {
        const middle = created[50];
        const page = (await alice.client.get(`/posts?limit=100&before=${middle.id}`).expect(200)).body as PostBody[];

        expect(page.length).toBeGreaterThanOrEqual(50);
        expect(page.every((post) => post.id < middle.id)).toBe(true);
        // Nothing else was created between these: the page starts with exactly the 50 before `middle`.
        expect(ids(page.slice(0, 50))).toEqual(ids(created.slice(0, 50)).reverse());
        // Ids older than every post, and newer than every post.
        expect((await alice.client.get(`/posts?before=${'0'.repeat(24)}`).expect(200)).body).toEqual([]);
        expect((await alice.client.get(`/posts?before=${'f'.repeat(24)}`).expect(200)).body).toEqual(
          (await alice.client.get('/posts').expect(200)).body,
        );
      });
    });

    describe('GET /posts/near', () => {
      const near = (query: string) => alice.client.get(`/posts/near?${query}`);

      it('lists nearest first with `distance` in metres on the 6378100 m sphere', async () => {
        const [lng, lat] = freshRegion();
        const far = await createPost(bob.client, 'far', north(lng, lat, 3000));
        const nearest = await createPost(alice.client, 'nearest', point(lng, lat + 0.01));
        const middle = await createPost(bob.client, 'middle', north(lng, lat, 2000));

        const body = (await near(`lng=${lng}&lat=${lat}`).expect(200)).body as NearPostBody[];

        expect(ids(body)).toEqual([nearest.id, middle.id, far.id]);
        // 0.01° of latitude: 6378100 m × 0.01 × π / 180 ≈ 1113.19 m.
        expect(Math.abs(body[0].distance - 1113.19)).toBeLessThan(1);
        expect(Math.abs(body[0].distance - 0.01 * METRES_PER_DEGREE)).toBeLessThan(1);
        expect(Math.abs(body[1].distance - 2000)).toBeLessThan(1);
        expect(Math.abs(body[2].distance - 3000)).toBeLessThan(1);
        expect(body[0]).toEqual({ ...nearest, distance: body[0].distance });
        expect(typeof body[0].distance).toBe('number');
        expect(Object.keys(body[0]).sort()).toEqual([...POST_KEYS, 'distance'].sort());
      });

      it('gives a post at the query point distance 0', async () => {
        const [lng, lat] = freshRegion();
        const here = await createPost(alice.client, 'here', point(lng, lat));

        const body = (await near(`lng=${lng}&lat=${lat}&maxDistance=0.5`).expect(200)).body as NearPostBody[];

        expect(body).toEqual([{ ...here, distance: 0 }]);
      });

      it('leaves out posts beyond maxDistance', async () => {
        const [lng, lat] = freshRegion();
        const at1000 = await createPost(alice.client, '1000 m', north(lng, lat, 1000));
        const at2000 = await createPost(alice.client, '2000 m', north(lng, lat, 2000));
        await createPost(alice.client, '3000 m', north(lng, lat, 3000));

        expect(ids((await near(`lng=${lng}&lat=${lat}&maxDistance=2500`).expect(200)).body as PostBody[])).toEqual([
          at1000.id,
          at2000.id,
        ]);
        expect((await near(`lng=${lng}&lat=${lat}&maxDistance=999`).expect(200)).body).toEqual([]);
      });

      it('uses maxDistance 5000 by default', async () => {
        const [lng, lat] = freshRegion();
        const inside = await createPost(alice.client, '4900 m', north(lng, lat, 4900));
        const outside = await createPost(alice.client, '5100 m', north(lng, lat, 5100));

        expect(ids((await near(`lng=${lng}&lat=${lat}`).expect(200)).body as PostBody[])).toEqual([inside.id]);
        expect(ids((await near(`lng=${lng}&lat=${lat}&maxDistance=5200`).expect(200)).body as PostBody[])).toEqual([
          inside.id,
          outside.id,
        ]);
      });

      it('accepts maxDistance up to 100000 and refuses 0, negative and above 100000', async () => {
        const [lng, lat] = freshRegion();
        const far = await createPost(alice.client, '99 km', north(lng, lat, 99000));

        expect(ids((await near(`lng=${lng}&lat=${lat}&maxDistance=100000`).expect(200)).body as PostBody[])).toEqual([
          far.id,
        ]);
        for (const maxDistance of ['0', '-1', '100001']) {
          expectError(await near(`lng=${lng}&lat=${lat}&maxDistance=${maxDistance}`), 400);
        }
      });

      it('returns 20 by default, honours limit 1 to 100, and refuses other limits', async () => {
        const [lng, lat] = freshRegion();
        const created: PostBody[] = [];
        for (let i = 1; i <= 21; i++)
          created.push(await createPost(alice.client, `${i}00 m`, north(lng, lat, i * 100)));
        const at = `lng=${lng}&lat=${lat}`;

        expect(ids((await near(at).expect(200)).body as PostBody[])).toEqual(ids(created.slice(0, 20)));
        expect(ids((await near(`${at}&limit=1`).expect(200)).body as PostBody[])).toEqual([created[0].id]);
        expect(ids((await near(`${at}&limit=100`).expect(200)).body as PostBody[])).toEqual(ids(created));
        for (const limit of ['0', '-1', '101', '1.5']) expectError(await near(`${at}&limit=${limit}`), 400);
      });
    });

    describe('GET /posts/:id', () => {
      it('returns the post to any signed-in user', async () => {
        const post = await createPost(alice.client, 'read me', point(20, 20));

        expect((await alice.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
        expect((await bob.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
      });

      it('is 404 for an unknown id', async () => {
        expectError(await alice.client.get(`/posts/${unknownId()}`), 404);
      });

      it.each(MALFORMED_IDS)('is 400 for the malformed id %s', async (id) => {
        expectError(await alice.client.get(`/posts/${id}`), 400);
      });
    });

    describe('PATCH /posts/:id', () => {
      let post: PostBody;

      beforeEach(async () => {
        post = await createPost(alice.client, 'original', point(30, 30));
        await sleep(5); // so that a change has a later updatedAt
      });

      it('lets the owner change the text: 200, location kept, updatedAt moves', async () => {
        const res = await alice.client.patch(`/posts/${post.id}`).send({ text: 'edited' }).expect(200);
        const body = res.body as PostBody;

        expect(body).toEqual({ ...post, text: 'edited', updatedAt: expect.stringMatching(ISO_DATE) as unknown });
        expect(Object.keys(body).sort()).toEqual(POST_KEYS);
        expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(post.updatedAt));
        expect((await bob.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(body);
      });

      it('lets the owner change the location alone', async () => {
        const res = await alice.client
          .patch(`/posts/${post.id}`)
          .send({ location: point(-120.5, -45.25) })
          .expect(200);
        const body = res.body as PostBody;

        expect(body).toEqual({ ...post, location: point(-120.5, -45.25), updatedAt: body.updatedAt });
        expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(post.updatedAt));
        expect((await alice.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(body);
      });

      it('lets the owner change text and location together', async () => {
        const res = await alice.client
          .patch(`/posts/${post.id}`)
          .send({ text: 'both', location: point(180, -90) })
          .expect(200);

        expect(res.body).toEqual({
          ...post,
          text: 'both',
          location: point(180, -90),
          updatedAt: (res.body as PostBody).updatedAt,
        });
        expect((await alice.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(res.body);
      });

      it('is 403 for another user and changes nothing', async () => {
        expectError(await bob.client.patch(`/posts/${post.id}`).send({ text: 'not yours' }), 403);
        expectError(await bob.client.patch(`/posts/${post.id}`).send({ location: point(0, 0) }), 403);

        expect((await alice.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
      });

      it('is 404 for an unknown id', async () => {
        expectError(await alice.client.patch(`/posts/${unknownId()}`).send({ text: 'nobody' }), 404);
      });

      it.each(MALFORMED_IDS)('is 400 for the malformed id %s', async (id) => {
        expectError(await alice.client.patch(`/posts/${id}`).send({ text: 'x' }), 400);
      });

      it('is 400 for an empty body and changes nothing', async () => {
        expectError(await alice.client.patch(`/posts/${post.id}`).send({}), 400);

        expect((await alice.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
      });
    });

    describe('DELETE /posts/:id', () => {
      it('lets the owner delete: 204, then 404 for reads, updates and deletes', async () => {
        const post = await createPost(alice.client, 'short-lived', point(40, 40));

        const res = await alice.client.delete(`/posts/${post.id}`).expect(204);

        expect(res.text).toBe('');
        expectError(await alice.client.get(`/posts/${post.id}`), 404);
        expectError(await alice.client.patch(`/posts/${post.id}`).send({ text: 'back' }), 404);
        expectError(await alice.client.delete(`/posts/${post.id}`), 404);
        expect(ids(await listAllPosts(alice.client))).not.toContain(post.id);
      });

      it('is 403 for another user, and the post stays', async () => {
        const post = await createPost(alice.client, 'keep me', point(40, 40));

        expectError(await bob.client.delete(`/posts/${post.id}`), 403);

        expect((await bob.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
      });

      it('is 404 for an unknown id and 400 for a malformed one', async () => {
        expectError(await alice.client.delete(`/posts/${unknownId()}`), 404);
        for (const id of MALFORMED_IDS) expectError(await alice.client.delete(`/posts/${id}`), 400);
      });
    });

    // API.md: cookie-authenticated unsafe requests need X-CSRF-Token; bearer-authenticated ones need none.
    if (via === 'cookie') {
      it('refuses cookie-authenticated POST, PATCH and DELETE without a valid X-CSRF-Token (403), changing nothing', async () => {
        const post = await createPost(alice.client, 'csrf target', point(50, 50));
        const before = await countPosts(alice.client);
        const { agent } = alice.client;
        const body = { text: 'forged', location: point(50, 50) };

        for (const token of [undefined, 'not-a-csrf-token']) {
          const withToken = (req: request.Test) => (token ? req.set('X-CSRF-Token', token) : req);
          expectError(await withToken(agent.post('/posts')).send(body), 403);
          expectError(await withToken(agent.patch(`/posts/${post.id}`)).send({ text: 'forged' }), 403);
          expectError(await withToken(agent.delete(`/posts/${post.id}`)), 403);
        }

        expect(await countPosts(alice.client)).toBe(before);
        expect((await alice.client.get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
        // The same requests with the session's token go through.
        await alice.client.patch(`/posts/${post.id}`).send({ text: 'fine' }).expect(200);
        await alice.client.delete(`/posts/${post.id}`).expect(204);
      });
    } else {
      it('accepts bearer-authenticated POST, PATCH and DELETE without any X-CSRF-Token or cookie', async () => {
        const bearer = { Authorization: `Bearer ${alice.client.accessToken}` };

        const created = await request(t.http)
          .post('/posts')
          .set(bearer)
          .send({ text: 'no csrf', location: point(50, 50) })
          .expect(201);
        const id = (created.body as PostBody).id;
        await request(t.http).patch(`/posts/${id}`).set(bearer).send({ text: 'still none' }).expect(200);
        await request(t.http).delete(`/posts/${id}`).set(bearer).expect(204);

        expectError(await alice.client.get(`/posts/${id}`), 404);
      });
    }
  });
});
