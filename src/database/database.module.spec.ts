import { Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import mongoose, { ConnectOptions, Connection } from 'mongoose';
import { AuditPersistenceModule } from '../audit/persistence/audit-persistence.module';
import { StartupFailedError } from '../common/startup-failed.error';
import { PostsPersistenceModule } from '../posts/persistence/posts-persistence.module';
import { UsersPersistenceModule } from '../users/persistence/users-persistence.module';
import {
  CONNECT_TIMEOUT_MS,
  DatabaseModule,
  MONGOOSE_CONNECTION_OPTIONS,
  SERVER_SELECTION_TIMEOUT_MS,
  SOCKET_TIMEOUT_MS,
} from './database.module';
import { MongoReadiness } from './mongo-readiness';

/*
 * No mongod can run on the CI machines, but a real Mongoose connection to a local port nobody
 * listens on stays "connecting" as long as needed: what Mongoose does with the module's options
 * before a connection is open is visible without a server.
 */
const UNREACHABLE = 'mongodb://127.0.0.1:1/never-reached';

/** Ends a connection that is still connecting at once (close() alone waits for the attempt to fail). */
async function abandon(connection: Connection): Promise<void> {
  await connection.getClient()?.close(true);
  await connection.close();
}

function indexedSchema() {
  const schema = new mongoose.Schema({ email: { type: String, unique: true } });
  schema.index({ location: '2dsphere' });
  return schema;
}

describe('DatabaseModule', () => {
  afterEach(() => jest.restoreAllMocks());

  it('opens nothing when no store is mongo', () => {
    const forRoot = jest.spyOn(MongooseModule, 'forRoot');
    expect(
      DatabaseModule.register({
        dataStore: 'memory',
        sessionStore: 'redis',
        mongodbUri: undefined,
        mongodbConnectTimeout: 10,
      }),
    ).toEqual({
      module: DatabaseModule,
    });
    expect(forRoot).not.toHaveBeenCalled();
  });

  it('opens one lazy, unbuffered connection with its timeouts, and leaves index builds to MongoReadiness', () => {
    const forRoot = jest.spyOn(MongooseModule, 'forRoot');
    DatabaseModule.register({
      dataStore: 'mongo',
      sessionStore: 'memory',
      mongodbUri: 'mongodb://db.example.com:27017/app',
      mongodbConnectTimeout: 10,
    });
    expect(forRoot).toHaveBeenCalledTimes(1);
    expect(forRoot.mock.calls[0]).toEqual([
      'mongodb://db.example.com:27017/app',
      {
        lazyConnection: true,
        serverSelectionTimeoutMS: 15_000,
        socketTimeoutMS: 20_000,
        connectTimeoutMS: 10_000,
        bufferCommands: false,
        autoIndex: false,
        autoCreate: false,
      },
    ]);
    expect([SERVER_SELECTION_TIMEOUT_MS, SOCKET_TIMEOUT_MS, CONNECT_TIMEOUT_MS]).toEqual([15_000, 20_000, 10_000]);
    expect(forRoot.mock.calls[0][1]).toEqual({ lazyConnection: true, ...MONGOOSE_CONNECTION_OPTIONS });
  });
});

describe('a Mongoose connection with the module options, before it is open', () => {
  let connection: Connection;
  afterEach(async () => {
    await abandon(connection);
    jest.restoreAllMocks();
  });

  it('creates no collection and builds no index when a model is defined, and its init() does not fail', async () => {
    const createCollection = jest.spyOn(mongoose.Model, 'createCollection');
    const ensureIndexes = jest.spyOn(mongoose.Model, 'ensureIndexes');
    connection = mongoose.createConnection(UNREACHABLE, { ...MONGOOSE_CONNECTION_OPTIONS });
    const model = connection.model('Indexed', indexedSchema());

    await expect(model.init()).resolves.toBeUndefined();

    expect(connection.readyState).toBe(mongoose.ConnectionStates.connecting);
    expect(createCollection).not.toHaveBeenCalled();
    expect(ensureIndexes).not.toHaveBeenCalled();
  });

  it("why: with Mongoose's autoIndex and autoCreate, init() fails for good before the connection is open", async () => {
    // The options the module had before: Mongoose's defaults for both.
    const before: ConnectOptions = { ...MONGOOSE_CONNECTION_OPTIONS, autoIndex: true };
    delete before.autoCreate;
    connection = mongoose.createConnection(UNREACHABLE, before);
    const model = connection.model('Indexed', indexedSchema());

    // What MongoReadiness reported against any real server when it awaited init().
    await expect(model.init()).rejects.toThrow(
      new TypeError("Cannot read properties of undefined (reading 'createCollection')"),
    );
  });

  it('MongoReadiness builds no index while the connection is not open, and says it is unreachable', async () => {
    jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
    connection = mongoose.createConnection(UNREACHABLE, { ...MONGOOSE_CONNECTION_OPTIONS });
    const model = connection.model('Indexed', indexedSchema());
    const createIndexes = jest.spyOn(model, 'createIndexes');
    const readiness = new MongoReadiness(connection, { uri: UNREACHABLE, connectTimeoutSeconds: 0.5 });

    const failure = await readiness.onModuleInit().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StartupFailedError);
    expect((failure as Error).message).toBe(
      'MongoDB unreachable at mongodb://127.0.0.1:1/never-reached: connect ECONNREFUSED 127.0.0.1:1 ' +
        '(gave up after 0.5 s, MONGODB_CONNECT_TIMEOUT)',
    );
    expect(createIndexes).not.toHaveBeenCalled();
  });
});

describe("the application's models on the module's connection, before it is open", () => {
  let moduleRef: TestingModule;
  afterEach(async () => {
    await abandon(moduleRef.get<Connection>(getConnectionToken()));
    // After a failed init() Nest's close() only rethrows that failure: the connection is closed above.
    await moduleRef.close().catch(() => undefined);
    jest.restoreAllMocks();
  });

  it('attempt nothing (no schema turns autoIndex or autoCreate back on), and start-up fails only as unreachable', async () => {
    jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
    const createCollection = jest.spyOn(mongoose.Model, 'createCollection');
    const ensureIndexes = jest.spyOn(mongoose.Model, 'ensureIndexes');
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ audit: { retentionDays: 30 } })],
        }),
        DatabaseModule.register({
          dataStore: 'mongo',
          sessionStore: 'memory',
          mongodbUri: UNREACHABLE,
          mongodbConnectTimeout: 1,
        }),
        UsersPersistenceModule.register('mongo'),
        PostsPersistenceModule.register('mongo'),
        AuditPersistenceModule.register('mongo'),
      ],
    }).compile();
    const connection = moduleRef.get<Connection>(getConnectionToken());
    const models = Object.values(connection.models);
    expect(models.map((model) => model.collection.collectionName).sort()).toEqual(['audit_events', 'posts', 'users']);

    for (const model of models) await expect(model.init()).resolves.toBeUndefined();
    await expect(moduleRef.init()).rejects.toThrow(
      /^MongoDB unreachable at mongodb:\/\/127\.0\.0\.1:1\/never-reached: /,
    );

    expect(connection.readyState).toBe(mongoose.ConnectionStates.connecting);
    expect(createCollection).not.toHaveBeenCalled();
    expect(ensureIndexes).not.toHaveBeenCalled();
  });
});
