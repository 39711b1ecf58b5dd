import { MongoNetworkError, MongoServerError } from 'mongodb';
import type { Model } from 'mongoose';
import { StoreUnavailableError } from '../../../common/store-unavailable.error';
import { MongoPostRepository, nearPipeline } from './mongo-post.repository';
import type { PostRecord } from './post.schema';

const ID = '665f1c2b9d3e4a0011111111';

/**
 * A stand-in model whose queries fail with `error`: no mongod can run on the CI machines, so
 * what the driver throws in an outage is thrown here by hand. Queries against a real server
 * are in post.repository.contract.spec.ts (with MONGODB_URI).
 */
function failingModel(error: Error): Model<PostRecord> {
  const query = { lean: () => query, sort: () => query, limit: () => query, exec: () => Promise.reject(error) };
  return {
    create: () => Promise.reject(error),
    findById: () => query,
    find: () => query,
    findByIdAndUpdate: () => query,
    deleteOne: () => query,
    aggregate: () => query,
  } as unknown as Model<PostRecord>;
}

describe('nearPipeline', () => {
  it('starts with $geoNear on the location index, in metres, then limits', () => {
    expect(nearPipeline({ lng: 2.29, lat: 48.86, maxDistance: 2000, limit: 5 })).toEqual([
      {
        $geoNear: {
          near: { type: 'Point', coordinates: [2.29, 48.86] },
          key: 'location',
          distanceField: 'distance',
          maxDistance: 2000,
          spherical: true,
        },
      },
      { $limit: 5 },
    ]);
  });
});

describe('MongoPostRepository when MongoDB is unreachable', () => {
  const posts = new MongoPostRepository(failingModel(new MongoNetworkError('connection reset')));
  const newPost = {
    userId: ID,
    text: 'hi',
    location: { type: 'Point' as const, coordinates: [1, 2] as [number, number] },
  };

  it.each<[string, () => Promise<unknown>]>([
    ['create', () => posts.create(newPost)],
    ['findById', () => posts.findById(ID)],
    ['listNewest', () => posts.listNewest({ limit: 10 })],
    ['findNear', () => posts.findNear({ lng: 1, lat: 2, maxDistance: 100, limit: 10 })],
    ['update', () => posts.update(ID, { text: 'new' })],
    ['delete', () => posts.delete(ID)],
  ])('%s rejects with StoreUnavailableError("mongo")', async (_name, call) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ store: 'mongo' });
  });

  it('lets other errors through untouched (a bug stays a 500)', async () => {
    const bug = new MongoServerError({ code: 2, errmsg: 'BadValue' });
    await expect(new MongoPostRepository(failingModel(bug)).findById(ID)).rejects.toBe(bug);
  });
});
