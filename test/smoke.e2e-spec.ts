import { ApiClient, CREDENTIALS } from './support/client';
import { startApp, TestApp } from './support/app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it.each(CREDENTIALS)('logs in and reads /auth/me via %s', async (via) => {
    const { client, user } = await ApiClient.signUp(t.http, via);
    const me = await client.get('/auth/me').expect(200);
    expect(me.body).toEqual(user);
    await client
      .post('/posts')
      .send({ text: 'x', location: { type: 'Point', coordinates: [1, 2] } })
      .expect(201);
  });
});
