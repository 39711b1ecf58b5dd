import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppValidationPipe } from '../common/validation';
import { PostsPersistenceModule } from './persistence/posts-persistence.module';
import { PostsModule } from './posts.module';

const OWNER = '665f1c2b9d3e4a0011111111';
const STRANGER = '665f1c2b9d3e4a0022222222';
const here = { type: 'Point', coordinates: [2.35, 48.85] };

interface PostBody {
  id: string;
  userId: string;
  text: string;
  location: unknown;
  createdAt: string;
  updatedAt: string;
}

/**
 * The routes over HTTP with the app's real ValidationPipe. Authentication is out of
 * scope here: a header names the caller, as the global guard would have established.
 */
describe('PostsController (HTTP, memory store)', () => {
  let app: INestApplication<App>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PostsPersistenceModule.register('memory'), PostsModule],
    }).compile();
    app = moduleRef.createNestApplication();
    app.use((req: Request, _res: Response, next: NextFunction) => {
      const caller: AuthenticatedUser = {
        id: req.header('x-test-user') ?? OWNER,
        credential: 'bearer',
        roles: ['user'],
      };
      req.user = caller;
      next();
    });
    app.useGlobalPipes(new AppValidationPipe());
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  const http = () => request(app.getHttpServer());
  const create = async (text = 'hello', location: unknown = here): Promise<PostBody> =>
    (await http().post('/posts').send({ text, location }).expect(201)).body as PostBody;
  const ids = (body: unknown) => (body as PostBody[]).map((post) => post.id);

  it('POST /posts gives 201 and a Post owned by the caller', async () => {
    const { id, createdAt, updatedAt, ...fields } = await create();
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(fields).toEqual({ userId: OWNER, text: 'hello', location: here });
    expect(new Date(createdAt).toISOString()).toBe(createdAt);
    expect(updatedAt).toBe(createdAt);
  });

  it.each([
    ['a userId', { text: 'x', location: here, userId: STRANGER }],
    ['an operator object for text', { text: { $gt: '' }, location: here }],
    ['string coordinates', { text: 'x', location: { type: 'Point', coordinates: ['1', '2'] } }],
    ['a null location', { text: 'x', location: null }],
  ])('POST /posts with %s gives 400', async (_name, body) => {
    const response = await http().post('/posts').send(body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('GET /posts/:id gives the post, 404 when unknown and 400 when malformed', async () => {
    const post = await create();
    expect((await http().get(`/posts/${post.id}`).expect(200)).body).toEqual(post);
    await http().get('/posts/000000000000000000000000').expect(404);
    await http().get('/posts/not-an-id').expect(400);
  });

  it('GET /posts lists newest first and pages with before', async () => {
    const older = await create('older');
    const newer = await create('newer');
    const page = await http().get('/posts').query({ limit: '1' }).expect(200);
    expect(ids(page.body)).toEqual([newer.id]);
    const next = await http().get('/posts').query({ limit: '1', before: newer.id }).expect(200);
    expect(ids(next.body)).toEqual([older.id]);
    await http().get('/posts?limit=1.5').expect(400);
    await http().get('/posts?limit=1&limit=2').expect(400);
    await http().get('/posts?before=zzz').expect(400);
  });

  it('GET /posts/near is not taken for an id, and validates its query', async () => {
    const post = await create('near me', { type: 'Point', coordinates: [100, 10] });
    const response = await http().get('/posts/near').query({ lng: '100', lat: '10.001' }).expect(200);
    const [found] = response.body as (PostBody & { distance: number })[];
    expect(found.id).toBe(post.id);
    // 0.001 degree of latitude ≈ 111.3 m
    expect(found.distance).toBeGreaterThan(111);
    expect(found.distance).toBeLessThan(112);
    await http().get('/posts/near').expect(400);
    await http().get('/posts/near?lng=&lat=1').expect(400);
    await http().get('/posts/near?lng=abc&lat=1').expect(400);
    await http().get('/posts/near?lng=1&lng=2&lat=1').expect(400);
    await http().get('/posts/near?lng=1&lat=1&maxDistance=100001').expect(400);
  });

  it('PATCH /posts/:id: 200 for the owner, 403 for others, 400 when empty, 404 when unknown', async () => {
    const post = await create('old');
    const updated = await http().patch(`/posts/${post.id}`).send({ text: 'new' }).expect(200);
    expect(updated.body).toMatchObject({ id: post.id, text: 'new', location: here });
    const forbidden = await http()
      .patch(`/posts/${post.id}`)
      .set('x-test-user', STRANGER)
      .send({ text: 'mine' })
      .expect(403);
    expect((forbidden.body as { message: string }).message).toBe('Only the owner can change this post');
    await http().patch(`/posts/${post.id}`).send({}).expect(400);
    await http().patch(`/posts/${post.id}`).send({ userId: STRANGER }).expect(400);
    await http().patch('/posts/000000000000000000000000').send({ text: 'x' }).expect(404);
  });

  it('DELETE /posts/:id: 403 for others, 204 for the owner, then 404', async () => {
    const post = await create();
    await http().delete(`/posts/${post.id}`).set('x-test-user', STRANGER).expect(403);
    const response = await http().delete(`/posts/${post.id}`).expect(204);
    expect(response.text).toBe('');
    await http().delete(`/posts/${post.id}`).expect(404);
    await http().delete('/posts/nope').expect(400);
  });

  it('describes every route in the OpenAPI document', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    expect(Object.keys(document.paths).sort()).toEqual(['/posts', '/posts/near', '/posts/{id}']);
    expect(Object.keys(document.paths['/posts/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    const nearParameters = document.paths['/posts/near'].get?.parameters?.map((p) => ('name' in p ? p.name : ''));
    expect(nearParameters?.sort()).toEqual(['lat', 'limit', 'lng', 'maxDistance']);
    expect(document.components?.schemas).toHaveProperty('CreatePostDto');
    expect(document.components?.schemas?.PostResponse).toBeDefined();
  });
});
