import { displayMongoUri, withoutCredentials } from './mongo-uri';

describe('displayMongoUri', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/app', 'mongodb://127.0.0.1:27017/app'],
    ['mongodb://ann:s3cret@db.example.com:27017/app', 'mongodb://db.example.com:27017/app'],
    ['mongodb+srv://ann:s3cret@cluster0.example.net/app?retryWrites=true', 'mongodb+srv://cluster0.example.net/app'],
    ['mongodb://a:b@h1:27017,h2:27017/app?replicaSet=rs0&authSource=admin', 'mongodb://h1:27017,h2:27017/app'],
    // An unescaped '@' or '/' in the password must not leak the part after it.
    ['mongodb://ann:p@ss/w@rd@db:27017/app', 'mongodb://db:27017/app'],
    ['mongodb://db/app?tlsCertificateKeyFilePassword=hunter22', 'mongodb://db/app'],
    ['mongodb://db', 'mongodb://db'],
  ])('%s shows as %s', (uri, shown) => {
    expect(displayMongoUri(uri)).toBe(shown);
  });

  it('shows nothing of a string that is not a MongoDB URI', () => {
    expect(displayMongoUri('ann:s3cret@db')).toBe('(not a mongodb:// URI)');
  });
});

describe('withoutCredentials', () => {
  const uri = 'mongodb://ann:s%40cret99@db.example.com/app?authSource=admin';

  it('replaces the URI and its user info wherever a driver message repeats them', () => {
    const text = `Invalid ${uri}; user ann:s%40cret99 password s@cret99 rejected`;
    const clean = withoutCredentials(text, uri);
    expect(clean).not.toMatch(/s%40cret99|s@cret99|authSource/);
    expect(clean).toContain('mongodb://db.example.com/app');
  });

  it('leaves a message without credentials as it is', () => {
    expect(withoutCredentials('connect ECONNREFUSED 127.0.0.1:1', 'mongodb://127.0.0.1:1/x')).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});
