import type { MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../config/config.schema';
import type { MongoReadiness } from '../../database/mongo-readiness';
import { MongoSessionStore } from './mongo-session.store';
import { createSessionStore } from './session-store.factory';

/**
 * MongoReadiness as the factory sees it: `connected` resolves when told, afterConnect() records
 * the tasks that start-up would run once connected. The TTL index goes to a stub collection.
 */
function stubReadiness(createIndex: () => Promise<string>) {
  let connect!: () => void;
  const collection = { createIndex: jest.fn(createIndex) };
  const client = { db: () => ({ collection: () => collection }) } as unknown as MongoClient;
  const connected = new Promise<Connection>((resolve) => {
    connect = () => resolve({ getClient: () => client } as unknown as Connection);
  });
  const tasks: Array<{ what: string; run: () => Promise<void> }> = [];
  const readiness = {
    connected,
    afterConnect: jest.fn((what: string, run: () => Promise<void>) => void tasks.push({ what, run })),
  };
  return {
    readiness: readiness as unknown as MongoReadiness,
    afterConnect: readiness.afterConnect,
    tasks,
    collection,
    connect,
  };
}

const config = loadConfig({ MONGODB_URI: 'mongodb://db.example.com:27017/app', SESSION_STORE: 'mongo' });

describe('createSessionStore (SESSION_STORE=mongo)', () => {
  it("registers the store's readiness (its TTL index) as a start-up task, built only once connected", async () => {
    const { readiness, afterConnect, tasks, collection, connect } = stubReadiness(() => Promise.resolve('expires_1'));

    const store = createSessionStore(config, {}, readiness);

    expect(store).toBeInstanceOf(MongoSessionStore);
    expect(afterConnect).toHaveBeenCalledTimes(1);
    expect(tasks.map((task) => task.what)).toEqual(['session store']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(collection.createIndex).not.toHaveBeenCalled();

    connect();
    await expect(tasks[0].run()).resolves.toBeUndefined();
    expect(collection.createIndex).toHaveBeenCalledWith({ expires: 1 }, { background: true, expireAfterSeconds: 0 });
  });

  it('the start-up task fails with the reason the TTL index could not be built', async () => {
    const conflict = new Error('IndexOptionsConflict');
    const { readiness, tasks, connect } = stubReadiness(() => Promise.reject(conflict));

    createSessionStore(config, {}, readiness);
    connect();

    await expect(tasks[0].run()).rejects.toBe(conflict);
  });

  it('refuses to build a Mongo store without a MongoDB connection', () => {
    expect(() => createSessionStore(config, {})).toThrow('SESSION_STORE=mongo needs a MongoDB connection');
  });
});
