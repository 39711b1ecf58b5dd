import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { MongoServerError } from 'mongodb';
import type { Connection } from 'mongoose';
import { StartupFailedError } from '../common/startup-failed.error';
import { MongoReadiness } from './mongo-readiness';

/**
 * A stand-in for the Mongoose connection: no mongod can run on the CI machines. It connects (or
 * not) when told, and its models' createIndexes() (the index builds) succeed or fail as told. The
 * real server path is in the repository contract specs (with MONGODB_URI); a real connection that
 * never opens is in database.module.spec.ts, an unreachable server in test/mongo-startup.e2e-spec.ts.
 */
function stubConnection(options: {
  connect: Promise<unknown>;
  models?: Record<string, { collection: string; createIndexes: () => Promise<unknown> }>;
}) {
  const client = new EventEmitter();
  const connection = Object.assign(new EventEmitter(), {
    getClient: () => client,
    asPromise: () => options.connect,
    models: Object.fromEntries(
      Object.entries(options.models ?? {}).map(([name, model]) => [
        name,
        { collection: { collectionName: model.collection }, createIndexes: model.createIndexes },
      ]),
    ),
  });
  return { connection: connection as unknown as Connection, client };
}

const URI = 'mongodb://ann:s3cret@db.example.com:27017/app?authSource=admin';

describe('MongoReadiness', () => {
  let fatal: jest.SpyInstance;
  beforeEach(() => {
    fatal = jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('builds every model index, then runs the registered tasks in order, once connected', async () => {
    const order: string[] = [];
    const { connection } = stubConnection({
      connect: Promise.resolve(),
      models: {
        User: { collection: 'users', createIndexes: () => Promise.resolve(order.push('users')) },
        Post: { collection: 'posts', createIndexes: () => Promise.resolve(order.push('posts')) },
      },
    });
    const readiness = new MongoReadiness(connection, { uri: URI, connectTimeoutSeconds: 10 });
    readiness.afterConnect('session store', () => Promise.resolve(void order.push('sessions')));

    await readiness.onModuleInit();

    expect(order).toEqual(['users', 'posts', 'sessions']);
    expect(fatal).not.toHaveBeenCalled();
  });

  it('builds no index before the connection is open', async () => {
    let open!: () => void;
    const createIndexes = jest.fn(() => Promise.resolve());
    const { connection } = stubConnection({
      connect: new Promise<void>((resolve) => (open = resolve)),
      models: { User: { collection: 'users', createIndexes } },
    });
    const readiness = new MongoReadiness(connection, { uri: URI, connectTimeoutSeconds: 10 });

    const started = readiness.onModuleInit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(createIndexes).not.toHaveBeenCalled();

    open();
    await started;
    expect(createIndexes).toHaveBeenCalledTimes(1);
  });

  it('refuses to start with one line when an index cannot be built, naming the fields, not the values', async () => {
    const duplicate = new MongoServerError({
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg: 'E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "ann@example.io" }',
      keyPattern: { email: 1 },
      keyValue: { email: 'ann@example.io' },
    });
    const sessionTask = jest.fn(() => Promise.resolve());
    const { connection } = stubConnection({
      connect: Promise.resolve(),
      models: { User: { collection: 'users', createIndexes: () => Promise.reject(duplicate) } },
    });
    const readiness = new MongoReadiness(connection, { uri: URI, connectTimeoutSeconds: 10 });
    readiness.afterConnect('session store', sessionTask);

    const error = await readiness.onModuleInit().catch((caught: unknown) => caught);

    const line =
      'MongoDB indexes of users could not be built: DuplicateKey (11000): existing documents share a value of email';
    expect(error).toBeInstanceOf(StartupFailedError);
    expect(error).toMatchObject({ message: line, cause: duplicate });
    expect(fatal.mock.calls).toEqual([[line]]);
    expect(sessionTask).not.toHaveBeenCalled();
  });

  it('names a failed start-up task', async () => {
    const { connection } = stubConnection({ connect: Promise.resolve() });
    const readiness = new MongoReadiness(connection, { uri: URI, connectTimeoutSeconds: 10 });
    readiness.afterConnect('session store', () =>
      Promise.reject(new MongoServerError({ code: 85, codeName: 'IndexOptionsConflict', errmsg: 'other options' })),
    );
    await expect(readiness.onModuleInit()).rejects.toThrow(
      'MongoDB session store is not ready: IndexOptionsConflict (85): other options',
    );
  });

  it('gives up after the connect timeout with the last heartbeat failure, without credentials', async () => {
    jest.useFakeTimers();
    try {
      const { connection, client } = stubConnection({ connect: new Promise(() => undefined) });
      const models = jest.fn();
      Object.defineProperty(connection, 'models', { get: models });
      const readiness = new MongoReadiness(connection, { uri: URI, connectTimeoutSeconds: 3 });
      client.emit('serverHeartbeatFailed', { failure: new Error('connect ECONNREFUSED 10.0.0.1:27017') });
      const outcome = readiness.onModuleInit().catch((caught: unknown) => caught);

      await jest.advanceTimersByTimeAsync(2999);
      expect(fatal).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);

      const line =
        'MongoDB unreachable at mongodb://db.example.com:27017/app: connect ECONNREFUSED 10.0.0.1:27017 ' +
        '(gave up after 3 s, MONGODB_CONNECT_TIMEOUT)';
      expect(await outcome).toMatchObject({ name: 'StartupFailedError', message: line });
      expect(fatal.mock.calls).toEqual([[line]]);
      expect(models).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports the connection error itself when the driver gives up first, credentials hidden', async () => {
    const { connection } = stubConnection({
      connect: Promise.reject(new Error('querySrv ENOTFOUND for mongodb://ann:s3cret@db.example.com:27017/app')),
    });
    const readiness = new MongoReadiness(connection, { uri: URI, connectTimeoutSeconds: 10 });
    const error = (await readiness.onModuleInit().catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /^MongoDB unreachable at mongodb:\/\/db\.example\.com:27017\/app: querySrv ENOTFOUND/,
    );
    expect(error.message).not.toMatch(/s3cret|ann/);
  });
});
