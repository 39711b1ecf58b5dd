import { Cookie, SessionData } from 'express-session';
import type { MongoClient } from 'mongodb';
import mongoose, { Connection } from 'mongoose';
import { throwAwayDatabaseName, withDatabase } from '../../database/mongo-test-database';
import { MongoSessionStore } from './mongo-session.store';
import { call, endingWinsContract, getSession, IDLE, sessionAt } from '../../../test/support/session-records';

const ABSOLUTE = 43200;

/*
 * Unit tests on a stub collection that records what the store sends: no mongod can run on the CI
 * machines. What MongoDB then does with those filters (and the TTL index) is proven by the
 * contract block at the end of this file, which runs when MONGODB_URI is set.
 */
describe(`MongoSessionStore${process.env.MONGODB_URI ? '' : ' (against a real MongoDB: set MONGODB_URI to run)'}`, () => {
  function stubbed(collectionOverrides: Record<string, unknown> = {}) {
    const collection = {
      createIndex: jest.fn(() => Promise.resolve('expires_1')),
      updateOne: jest.fn(() => Promise.resolve({ matchedCount: 1, upsertedCount: 0 })),
      find: jest.fn(() => ({ toArray: () => Promise.resolve([]) })),
      ...collectionOverrides,
    };
    const db = { collection: jest.fn(() => collection) };
    const client = { db: jest.fn(() => db) };
    const store = new MongoSessionStore({
      clientPromise: Promise.resolve(client as unknown as MongoClient),
      idleTtl: IDLE,
      absoluteTtl: ABSOLUTE,
    });
    return { store, collection, db, client };
  }

  afterEach(() => jest.useRealTimers());

  it("keeps sessions in `sessions` of the URI's database, as subdocuments, with a TTL index on `expires`", async () => {
    const { store, collection, db, client } = stubbed();
    await store.ready();
    // No name: the client's default, the database the URI names (Mongoose's dbName is not seen).
    expect(client.db).toHaveBeenCalledWith(undefined);
    expect(db.collection).toHaveBeenCalledWith('sessions');
    expect(collection.createIndex).toHaveBeenCalledWith({ expires: 1 }, { background: true, expireAfterSeconds: 0 });
    await call((done) => store.set('sid-1', sessionAt(Date.now(), Date.now()), done));
    const [, update] = collection.updateOne.mock.calls[0] as unknown as [unknown, { $set: { session: unknown } }];
    expect(typeof update.$set.session).toBe('object');
  });

  it("the login's write (lastSeenAt === authenticatedAt) creates the record: an upsert", async () => {
    const { store, collection } = stubbed();
    const now = Date.now();
    await call((done) => store.set('sid-1', sessionAt(now, now), done));
    expect(collection.updateOne).toHaveBeenCalledTimes(1);
    const [filter, update, options] = collection.updateOne.mock.calls[0] as unknown as [
      object,
      { $set: { session: Record<string, unknown>; expires: Date } },
      { upsert: boolean },
    ];
    expect(filter).toEqual({ _id: 'sid-1' });
    expect(options).toMatchObject({ upsert: true });
    expect(update.$set.session).toMatchObject({ userId: 'u1', handle: 'h1', authenticatedAt: now, lastSeenAt: now });
    // The Cookie as plain data, as connect-mongo stores it.
    // (originalMaxAge is recomputed from `expires` on every read: not compared here.)
    expect(update.$set.session.cookie).toMatchObject({ httpOnly: true, path: '/' });
    expect((update.$set.session.cookie as { expires: unknown }).expires).toBeInstanceOf(Date);
    expect(update.$set.session.cookie).not.toBeInstanceOf(Cookie);
  });

  it('any later write (the keep-alive) only updates a record that still exists and has not expired: never an upsert', async () => {
    const { store, collection } = stubbed({
      // What MongoDB answers once logout deleted the record: nothing matched, nothing written.
      updateOne: jest.fn(() => Promise.resolve({ matchedCount: 0, upsertedCount: 0 })),
    });
    const login = Date.now() - 120_000;
    const before = Date.now();
    await call((done) => store.set('sid-1', sessionAt(login, Date.now()), done));
    const [filter, , options] = collection.updateOne.mock.calls[0] as unknown as [
      { _id: string; expires: { $gt: Date } },
      unknown,
      { upsert?: boolean },
    ];
    expect(filter._id).toBe('sid-1');
    expect(filter.expires.$gt.getTime()).toBeGreaterThanOrEqual(before);
    expect(options.upsert).toBe(false);
  });

  it('expires a record after the idle TTL, capped by what is left of the absolute lifetime', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    const { store, collection } = stubbed();
    const now = Date.now();
    const expiresOf = (index: number) =>
      (collection.updateOne.mock.calls[index] as unknown as [unknown, { $set: { expires: Date } }])[1].$set.expires;

    await call((done) => store.set('fresh', sessionAt(now, now), done));
    expect(expiresOf(0).getTime()).toBe(now + IDLE * 1000);

    // Logged in 11h50m ago: 10 minutes of its 12 hours are left, less than the 30-minute idle TTL.
    const old = now - (ABSOLUTE - 600) * 1000;
    await call((done) => store.set('old', sessionAt(old, now - 1000), done));
    expect(expiresOf(1).getTime()).toBe(now + 600 * 1000);
  });

  it('touch writes nothing and answers at once', async () => {
    const { store, collection } = stubbed();
    await call((done) => store.touch('sid-1', sessionAt(1, 2), done));
    expect(collection.updateOne).not.toHaveBeenCalled();
  });

  it('reads several sessions in one find with $in, ignoring the expired ones', async () => {
    const stored = { userId: 'u1', handle: 'h1', authenticatedAt: 1, lastSeenAt: 1 };
    const find = jest.fn(() => ({ toArray: () => Promise.resolve([{ _id: 'a', session: stored }]) }));
    const { store } = stubbed({ find });
    const before = Date.now();

    const found = await store.getMany(['a', 'b']);

    expect(find).toHaveBeenCalledTimes(1);
    const [filter] = find.mock.calls[0] as unknown as [{ _id: { $in: string[] }; expires: { $gt: Date } }];
    expect(filter._id).toEqual({ $in: ['a', 'b'] });
    expect(filter.expires.$gt.getTime()).toBeGreaterThanOrEqual(before);
    expect([...found]).toEqual([['a', stored]]);
    expect(await store.getMany([])).toEqual(new Map());
    expect(find).toHaveBeenCalledTimes(1);
  });

  it('reports a TTL index that cannot be built through ready(), not as an unhandled rejection', async () => {
    const conflict = new Error('IndexOptionsConflict');
    const { store } = stubbed({ createIndex: jest.fn(() => Promise.reject(conflict)) });
    await expect(store.ready()).rejects.toBe(conflict);
    await expect(call((done) => store.set('sid', sessionAt(1, 1), done))).rejects.toBe(conflict);
  });
});

const mongoUri = process.env.MONGODB_URI;

if (mongoUri) {
  describe('MongoSessionStore contract [mongo]', () => {
    let connection: Connection;
    let store: MongoSessionStore;
    const sessions = () => connection.db!.collection<{ _id: string; expires: Date; session: SessionData }>('sessions');
    const get = (sid: string) => getSession(store, sid);

    beforeAll(async () => {
      // The database in the URI, not Mongoose's dbName: connect-mongo opens client.db() with no
      // name, the URI's database, and the assertions read the connection's.
      connection = await mongoose
        .createConnection(withDatabase(mongoUri, throwAwayDatabaseName('sessions')), {
          serverSelectionTimeoutMS: 5000,
        })
        .asPromise();
      store = new MongoSessionStore({
        clientPromise: Promise.resolve(connection.getClient()),
        idleTtl: IDLE,
        absoluteTtl: ABSOLUTE,
      });
      await store.ready();
    });

    afterAll(async () => {
      await connection?.dropDatabase();
      await connection?.close();
    });

    it('builds the TTL index on expires', async () => {
      const indexes = await sessions().indexes();
      expect(indexes).toContainEqual(expect.objectContaining({ key: { expires: 1 }, expireAfterSeconds: 0 }));
    });

    endingWinsContract(
      () => store,
      (name) => name,
    );

    it('leaves no document of a session that was destroyed while a request was in flight on it', async () => {
      const login = Date.now() - 60_000;
      await call((done) => store.set('ended-doc', sessionAt(login, login), done));
      await call((done) => store.destroy('ended-doc', done));
      await call((done) => store.set('ended-doc', sessionAt(login, Date.now()), done));
      expect(await sessions().countDocuments({ _id: 'ended-doc' })).toBe(0);
    });

    it('does not revive an expired record the TTL monitor has not removed yet', async () => {
      const login = Date.now() - 60_000;
      await sessions().insertOne({
        _id: 'expired',
        expires: new Date(Date.now() - 1000),
        session: sessionAt(login, login),
      });
      await call((done) => store.set('expired', sessionAt(login, Date.now()), done));
      expect((await sessions().findOne({ _id: 'expired' }))?.expires.getTime()).toBeLessThan(Date.now());
      expect(await get('expired')).toBeNull();
    });

    it('caps the record at the absolute lifetime', async () => {
      const now = Date.now();
      const login = now - (ABSOLUTE - 600) * 1000;
      await call((done) => store.set('capped', sessionAt(login, login), done));
      const expires = (await sessions().findOne({ _id: 'capped' }))!.expires.getTime();
      expect(expires).toBeLessThanOrEqual(Date.now() + 601 * 1000);
      expect(expires).toBeGreaterThan(now + 590 * 1000);
    });

    it('touch changes nothing in the store', async () => {
      const login = Date.now() - 60_000;
      await call((done) => store.set('touched', sessionAt(login, login), done));
      const before = await sessions().findOne({ _id: 'touched' });
      await call((done) => store.touch('touched', sessionAt(login, login), done));
      expect(await sessions().findOne({ _id: 'touched' })).toEqual(before);
    });

    it('reads several live sessions in one call', async () => {
      const login = Date.now() - 60_000;
      await call((done) => store.set('many-1', sessionAt(login, login), done));
      await call((done) => store.set('many-2', sessionAt(login, login), done));
      const found = await store.getMany(['many-1', 'many-2', 'missing', 'ended']);
      expect([...found.keys()].sort()).toEqual(['many-1', 'many-2']);
      expect(found.get('many-1')).toMatchObject({ userId: 'u1', authenticatedAt: login });
    });
  });
}
