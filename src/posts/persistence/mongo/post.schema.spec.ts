import mongoose, { Types } from 'mongoose';
import { toPost, toPostWithDistance } from './post.mapper';
import { PostLean, PostRecord, PostSchema } from './post.schema';

// A model on a private Mongoose instance: building documents needs no server.
const PostModel = new mongoose.Mongoose().model<PostRecord>('PostSchemaSpec', PostSchema);

const userId = new Types.ObjectId();
const build = (location: unknown, text: unknown = 'hello') => new PostModel({ userId, text, location });
const invalidPaths = (location: unknown) => Object.keys(build(location).validateSync()?.errors ?? {});

describe('PostSchema', () => {
  it('declares exactly one index besides _id: 2dsphere on location (no query uses userId)', () => {
    expect(PostSchema.indexes().map(([fields]) => fields)).toEqual([{ location: '2dsphere' }]);
  });

  it('types userId as an ObjectId, not Mixed', () => {
    expect(PostSchema.path('userId').instance).toBe('ObjectId');
  });

  it('casts a hex string userId to an ObjectId', () => {
    const hex = new Types.ObjectId().toHexString();
    const post = new PostModel({ userId: hex, text: 'hi', location: { type: 'Point', coordinates: [1, 2] } });
    expect(post.userId).toBeInstanceOf(Types.ObjectId);
    expect(post.userId.toHexString()).toBe(hex);
    expect(post.validateSync()).toBeUndefined();
  });

  it.each([
    ['an operator object', { $ne: null }],
    ['a string that is not an id', 'alice'],
  ])('refuses %s as userId instead of storing it as is', (_name, userId) => {
    const post = new PostModel({ userId, text: 'hi', location: { type: 'Point', coordinates: [1, 2] } });
    expect(Object.keys(post.validateSync()?.errors ?? {})).toContain('userId');
  });

  it('uses the posts collection with timestamps', () => {
    expect(PostSchema.get('collection')).toBe('posts');
    expect(PostSchema.path('createdAt')).toBeDefined();
    expect(PostSchema.path('updatedAt')).toBeDefined();
  });

  it.each([
    ['an ordinary point', [13.405, 52.52]],
    ['the corners of the range', [-180, 90]],
    ['the other corners', [180, -90]],
  ])('accepts %s', (_name, coordinates) => {
    expect(build({ type: 'Point', coordinates }).validateSync()).toBeUndefined();
  });

  it.each([
    ['lng above 180', [181, 0]],
    ['lng below -180', [-180.5, 0]],
    ['lat above 90', [0, 91]],
    ['lat below -90', [0, -90.1]],
    ['three coordinates', [1, 2, 3]],
    ['one coordinate', [1]],
    ['no coordinates', []],
  ])('rejects %s', (_name, coordinates) => {
    expect(invalidPaths({ type: 'Point', coordinates })).toContain('location.coordinates');
  });

  it('rejects coordinates that are not numbers', () => {
    expect(invalidPaths({ type: 'Point', coordinates: ['east', 'north'] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^location\.coordinates/)]),
    );
  });

  it('rejects missing coordinates rather than defaulting them to []', () => {
    expect(build({ type: 'Point' }).location.coordinates).toBeUndefined();
    expect(invalidPaths({ type: 'Point' })).toContain('location.coordinates');
  });

  it('rejects a GeoJSON type other than Point, and a missing type', () => {
    expect(invalidPaths({ type: 'Polygon', coordinates: [1, 2] })).toContain('location.type');
    expect(invalidPaths({ coordinates: [1, 2] })).toContain('location.type');
  });

  it('requires userId, text and location', () => {
    const error = new PostModel({}).validateSync();
    expect(Object.keys(error?.errors ?? {}).sort()).toEqual(['location', 'text', 'userId']);
  });
});

describe('toPost', () => {
  const _id = new Types.ObjectId();
  const createdAt = new Date('2026-01-01T00:00:00Z');
  const updatedAt = new Date('2026-01-02T00:00:00Z');
  const record = {
    _id,
    __v: 0,
    userId,
    text: 'hello',
    location: { type: 'Point' as const, coordinates: [1.5, 2.5] as [number, number] },
    createdAt,
    updatedAt,
  };

  it('maps a document to a domain post with string ids and nothing of Mongo', () => {
    const post = toPost(record);
    expect(post).toEqual({
      id: _id.toHexString(),
      userId: userId.toHexString(),
      text: 'hello',
      location: { type: 'Point', coordinates: [1.5, 2.5] },
      createdAt,
      updatedAt,
    });
    expect(typeof post.id).toBe('string');
    expect(typeof post.userId).toBe('string');
    expect(post).not.toHaveProperty('_id');
    expect(post).not.toHaveProperty('__v');
  });

  it('copies the coordinates out of the document', () => {
    const post = toPost(record);
    expect(post.location.coordinates).not.toBe(record.location.coordinates);
  });

  it('keeps the $geoNear distance', () => {
    expect(toPostWithDistance({ ...record, distance: 42.5 }).distance).toBe(42.5);
  });

  it('maps a hydrated document through toObject()', () => {
    const doc = build({ type: 'Point', coordinates: [3, 4] });
    const post = toPost(doc.toObject<PostLean>());
    expect(post.id).toBe(doc._id.toHexString());
    expect(post.userId).toBe(userId.toHexString());
    expect(post.location).toEqual({ type: 'Point', coordinates: [3, 4] });
    expect(Array.isArray(post.location.coordinates)).toBe(true);
  });
});
