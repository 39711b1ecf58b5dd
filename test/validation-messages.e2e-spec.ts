import request from 'supertest';
import { startApp, STRATEGY, TestApp } from './support/app';
import { ApiClient } from './support/client';

/**
 * A 400 a person can act on, through the real routes (the global ValidationPipe, and the login
 * guard that validates before passport): a missing field is "<field> is required", once.
 */
describe(`validation messages, ${STRATEGY} mode`, () => {
  let t: TestApp;
  let client: ApiClient;

  beforeAll(async () => {
    t = await startApp();
    ({ client } = await ApiClient.signUp(t.http));
  });
  afterAll(() => t.close());

  it.each(['/auth/register', '/auth/login'])('an empty body to POST %s names each missing field once', async (path) => {
    const res = await request(t.http).post(path).send({}).expect(400);

    expect(res.body).toEqual({
      statusCode: 400,
      message: ['email is required', 'password is required'],
      error: 'Bad Request',
    });
  });

  it('a missing query parameter: GET /posts/near without lat', async () => {
    const res = await client.get('/posts/near?lng=2.2945').expect(400);

    expect(res.body).toEqual({ statusCode: 400, message: ['lat is required'], error: 'Bad Request' });
  });

  it('a missing nested field: POST /posts with a location without coordinates', async () => {
    const res = await client
      .post('/posts')
      .send({ text: 'hello', location: { type: 'Point' } })
      .expect(400);

    expect(res.body).toEqual({ statusCode: 400, message: ['location.coordinates is required'], error: 'Bad Request' });
  });

  it('a field that is present but wrong still says what is wrong with it', async () => {
    const res = await client.get('/posts/near?lng=2.2945&lat=91').expect(400);

    expect(res.body).toEqual({ statusCode: 400, message: ['lat must not be greater than 90'], error: 'Bad Request' });
  });
});
