import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import mongoose, { Connection, Model, Types } from 'mongoose';
import { DatabaseModule } from '../../database/database.module';
import { throwAwayDatabaseName, withDatabase } from '../../database/mongo-test-database';
import { EARTH_RADIUS_METRES, NewPost, Post } from '../domain/post';
import { MemoryPostRepository } from './memory/memory-post.repository';
import { POST_MODEL, PostRecord } from './mongo/post.schema';
import { PostRepository } from './post.repository';
import { PostsPersistenceModule } from './posts-persistence.module';

const ALICE = '665f1c2b9d3e4a0011111111';
const BOB = '665f1c2b9d3e4a0022222222';
/** One degree of arc on MongoDB's sphere, in metres (≈ 111318.8). */
const ONE_DEGREE = (EARTH_RADIUS_METRES * Math.PI) / 180;
const UNKNOWN_ID = '000000000000000000000000';

const at = (lng: number, lat: number, text = `at ${lng},${lat}`, userId = ALICE): NewPost => ({
  userId,
  text,
  location: { type: 'Point', coordinates: [lng, lat] },
});

/** What every PostRepository adapter must do; `fresh` gives an empty repository. */
function postRepositoryContract(fresh: () => Promise<PostRepository>): void {
  let posts: PostRepository;
  beforeEach(async () => {
    posts = await fresh();
  });

  /** Created one after another, so each id is newer than the one before. */
  async function createMany(count: number): Promise<Post[]> {
    const created: Post[] = [];
    for (let i = 0; i < count; i += 1) created.push(await posts.create(at(i, 0, `post ${i}`)));
    return created;
  }

  describe('create and findById', () => {
    it('creates a post with string ids and timestamps, and finds it again', async () => {
      const created = await posts.create(at(13.405, 52.52, 'hello', BOB));
      const { id, createdAt, updatedAt, ...fields } = created;
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(fields).toEqual({ userId: BOB, text: 'hello', location: { type: 'Point', coordinates: [13.405, 52.52] } });
      expect(createdAt).toBeInstanceOf(Date);
      expect(updatedAt).toEqual(createdAt);
      expect(await posts.findById(created.id)).toEqual(created);
    });

    it('keeps only the GeoJSON fields of the location it is given', async () => {
      const location = { type: 'Point' as const, coordinates: [1, 2] as [number, number], extra: true };
      const created = await posts.create({ userId: ALICE, text: 't', location });
      expect((await posts.findById(created.id))?.location).toEqual({ type: 'Point', coordinates: [1, 2] });
    });

    it('returns null for an unknown id', async () => {
      await posts.create(at(0, 0));
      expect(await posts.findById(UNKNOWN_ID)).toBeNull();
    });
  });

  describe('listNewest', () => {
    it('lists newest first, up to the limit', async () => {
      const created = await createMany(5);
      const newestFirst = [...created].reverse().map((post) => post.id);
      expect((await posts.listNewest({ limit: 100 })).map((post) => post.id)).toEqual(newestFirst);
      expect((await posts.listNewest({ limit: 2 })).map((post) => post.id)).toEqual(newestFirst.slice(0, 2));
    });

    it('pages with `before` through every post once, with no duplicates or gaps', async () => {
      const created = await createMany(7);
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await posts.listNewest({ limit: 3, before });
        if (page.length === 0) break;
        pageSizes.push(page.length);
        seen.push(...page.map((post) => post.id));
        before = page[page.length - 1].id;
      }
      expect(pageSizes).toEqual([3, 3, 1]);
      expect(seen).toEqual([...created].reverse().map((post) => post.id));
    });

    it('treats `before` as strictly older, even when that post is gone', async () => {
      const [oldest, middle, newest] = await createMany(3);
      expect((await posts.listNewest({ limit: 10, before: newest.id })).map((post) => post.id)).toEqual([
        middle.id,
        oldest.id,
      ]);
      await posts.delete(middle.id);
      expect((await posts.listNewest({ limit: 10, before: middle.id })).map((post) => post.id)).toEqual([oldest.id]);
      expect(await posts.listNewest({ limit: 10, before: oldest.id })).toEqual([]);
    });

    it('returns an empty list from an empty store', async () => {
      expect(await posts.listNewest({ limit: 20 })).toEqual([]);
    });
  });

  describe('findNear', () => {
    it('orders by distance and reports great-circle metres', async () => {
      const far = await posts.create(at(0, 1));
      const origin = await posts.create(at(0, 0));
      const near = await posts.create(at(0, 0.01));
      await posts.create(at(10, 10));

      const found = await posts.findNear({ lng: 0, lat: 0, maxDistance: 200000, limit: 20 });

      expect(found.map((post) => post.id)).toEqual([origin.id, near.id, far.id]);
      expect(found[0].distance).toBeCloseTo(0, 6);
      expect(Math.abs(found[1].distance - ONE_DEGREE / 100)).toBeLessThan(1);
      expect(Math.abs(found[2].distance - ONE_DEGREE)).toBeLessThan(1);
      expect(found[2]).toMatchObject({ text: far.text, userId: far.userId, location: far.location });
    });

    it('measures longitude on the sphere: one degree east at 60°N is half a degree of arc', async () => {
      await posts.create(at(1, 60));
      const [found] = await posts.findNear({ lng: 0, lat: 60, maxDistance: 100000, limit: 1 });
      // Haversine on the same sphere; a flat-earth formula would be off by far more than 1 m.
      const expected = 2 * EARTH_RADIUS_METRES * Math.asin(Math.cos((60 * Math.PI) / 180) * Math.sin(Math.PI / 360));
      expect(Math.abs(found.distance - expected)).toBeLessThan(1);
    });

    it('leaves out posts beyond maxDistance', async () => {
      await posts.create(at(0, 0.01)); // ≈ 1113 m north of the query point
      expect(await posts.findNear({ lng: 0, lat: 0, maxDistance: 1000, limit: 20 })).toEqual([]);
      expect(await posts.findNear({ lng: 0, lat: 0, maxDistance: 1200, limit: 20 })).toHaveLength(1);
    });

    it('returns at most `limit` posts, the nearest ones', async () => {
      await posts.create(at(0, 0.003));
      const nearest = await posts.create(at(0, 0.001));
      const second = await posts.create(at(0, 0.002));
      await posts.create(at(0, 0.004));
      const found = await posts.findNear({ lng: 0, lat: 0, maxDistance: 5000, limit: 2 });
      expect(found.map((post) => post.id)).toEqual([nearest.id, second.id]);
    });

    it('works across the antimeridian', async () => {
      const east = await posts.create(at(179.99, 0));
      const [found] = await posts.findNear({ lng: -179.99, lat: 0, maxDistance: 5000, limit: 5 });
      expect(found?.id).toBe(east.id);
      expect(Math.abs(found.distance - ONE_DEGREE * 0.02)).toBeLessThan(1);
    });
  });

  describe('update', () => {
    it('changes the text only, and moves updatedAt on', async () => {
      const created = await posts.create(at(1, 2, 'before'));
      await pause();
      const updated = await posts.update(created.id, { text: 'after' });
      expect({ ...updated, updatedAt: created.updatedAt }).toEqual({ ...created, text: 'after' });
      expect(updated?.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await posts.findById(created.id)).toEqual(updated);
    });

    it('changes the location only', async () => {
      const created = await posts.create(at(1, 2, 'text'));
      const updated = await posts.update(created.id, { location: { type: 'Point', coordinates: [3, 4] } });
      expect(updated).toMatchObject({ text: 'text', location: { type: 'Point', coordinates: [3, 4] } });
      const [found] = await posts.findNear({ lng: 3, lat: 4, maxDistance: 10, limit: 1 });
      expect(found?.id).toBe(created.id);
    });

    it('changes both', async () => {
      const created = await posts.create(at(1, 2, 'text'));
      const patch = { text: 'both', location: { type: 'Point' as const, coordinates: [5, 6] as [number, number] } };
      expect(await posts.update(created.id, patch)).toMatchObject(patch);
    });

    it('returns null for an unknown id', async () => {
      expect(await posts.update(UNKNOWN_ID, { text: 'x' })).toBeNull();
    });
  });

  describe('delete', () => {
    it('deletes once and reports whether there was something to delete', async () => {
      const [kept, gone] = await createMany(2);
      expect(await posts.delete(gone.id)).toBe(true);
      expect(await posts.findById(gone.id)).toBeNull();
      expect(await posts.delete(gone.id)).toBe(false);
      expect(await posts.findById(kept.id)).toEqual(kept);
    });

    it('returns false for an unknown id', async () => {
      expect(await posts.delete(UNKNOWN_ID)).toBe(false);
    });
  });
}

/** Long enough for a millisecond clock to move on. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

const mongoUri = process.env.MONGODB_URI;

describe(`PostRepository contract [memory]${mongoUri ? '' : ' (mongo: set MONGODB_URI to run)'}`, () => {
  postRepositoryContract(() => Promise.resolve(new MemoryPostRepository()));

  // Only the memory store promises an order for equal distances; $geoNear leaves it open.
  it('breaks distance ties by newest id first', async () => {
    const posts = new MemoryPostRepository();
    const older = await posts.create(at(0, 0.01));
    const newer = await posts.create(at(0, 0.01));
    const found = await posts.findNear({ lng: 0, lat: 0, maxDistance: 5000, limit: 20 });
    expect(found.map((post) => post.id)).toEqual([newer.id, older.id]);
  });
});

if (mongoUri) {
  describe('PostRepository contract [mongo]', () => {
    let moduleRef: TestingModule;
    let model: Model<PostRecord>;

    // No model.init() here: start-up itself (MongoReadiness) must leave the 2dsphere index in
    // place, or $geoNear fails with IndexNotFound on a first boot.
    beforeAll(async () => {
      moduleRef = await Test.createTestingModule({
        imports: [
          DatabaseModule.register({
            dataStore: 'mongo',
            sessionStore: 'memory',
            mongodbUri: withDatabase(mongoUri, throwAwayDatabaseName('posts')),
            mongodbConnectTimeout: 10,
          }),
          PostsPersistenceModule.register('mongo'),
        ],
      }).compile();
      await moduleRef.init();
      model = moduleRef.get<Model<PostRecord>>(getModelToken(POST_MODEL));
    });

    afterAll(async () => {
      const connection = moduleRef?.get<Connection>(getConnectionToken());
      if (connection?.readyState === mongoose.ConnectionStates.connected) await connection.dropDatabase();
      await moduleRef?.close();
    });

    it('has the 2dsphere index once start-up is done, and answers near on an empty collection', async () => {
      expect(await model.collection.indexes()).toContainEqual(
        expect.objectContaining({ key: { location: '2dsphere' } }),
      );
      const posts = moduleRef.get(PostRepository);
      await expect(posts.findNear({ lng: 0, lat: 0, maxDistance: 1000, limit: 5 })).resolves.toEqual([]);
    });

    it('stores userId as an ObjectId', async () => {
      const posts = moduleRef.get(PostRepository);
      const created = await posts.create(at(1, 1));
      const raw = await model.collection.findOne({ _id: new Types.ObjectId(created.id) });
      expect(raw?.userId).toBeInstanceOf(Types.ObjectId);
    });

    postRepositoryContract(async () => {
      await model.deleteMany({});
      return moduleRef.get(PostRepository);
    });
  });
}
