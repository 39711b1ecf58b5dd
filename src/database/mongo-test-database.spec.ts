import { withDatabase } from './mongo-test-database';

describe('withDatabase', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/app', 'mongodb://127.0.0.1:27017/t1'],
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017/t1'],
    ['mongodb://h1,h2/app?replicaSet=rs0', 'mongodb://h1,h2/t1?replicaSet=rs0'],
    // Credentials keep authenticating against the database they did.
    ['mongodb://ann:pw@db/app', 'mongodb://ann:pw@db/t1?authSource=app'],
    ['mongodb://ann:pw@db', 'mongodb://ann:pw@db/t1?authSource=admin'],
    [
      'mongodb+srv://ann:pw@c.example.net/app?authSource=admin&w=majority',
      'mongodb+srv://ann:pw@c.example.net/t1?authSource=admin&w=majority',
    ],
  ])('%s becomes %s', (uri, expected) => {
    expect(withDatabase(uri, 't1')).toBe(expected);
  });
});
