import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import mongoose, { Connection, Model } from 'mongoose';
import { StartupFailedError } from '../../common/startup-failed.error';
import { DatabaseModule } from '../../database/database.module';
import { throwAwayDatabaseName, withDatabase } from '../../database/mongo-test-database';
import { EmailTakenError, IdentityTakenError, normalizeEmail } from '../domain/user';
import { MemoryUserRepository } from './memory/memory-user.repository';
import { USER_MODEL, UserRecord } from './mongo/user.schema';
import { UserRepository } from './user.repository';
import { UsersPersistenceModule } from './users-persistence.module';

/** What every UserRepository adapter must do; `fresh` gives an empty repository. */
function userRepositoryContract(fresh: () => Promise<UserRepository>): void {
  let users: UserRepository;
  beforeEach(async () => {
    users = await fresh();
  });

  const ann = { email: 'ann@example.io', name: 'Ann', passwordHash: 'hash-1' };

  it('creates a user with a 24-hex id and timestamps, a user and not locked', async () => {
    const { id, createdAt, updatedAt, ...fields } = await users.create(ann);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(fields).toEqual({
      email: 'ann@example.io',
      name: 'Ann',
      passwordHash: 'hash-1',
      roles: ['user'],
      lockedAt: null,
      identities: [],
    });
    expect(createdAt).toBeInstanceOf(Date);
    expect(updatedAt).toEqual(createdAt);
  });

  it('keeps a null name', async () => {
    expect((await users.create({ ...ann, name: null })).name).toBeNull();
  });

  it('refuses a second account for the same normalized email', async () => {
    await users.create(ann);
    await expect(users.create({ ...ann, email: normalizeEmail('  ANN@Example.IO ') })).rejects.toBeInstanceOf(
      EmailTakenError,
    );
  });

  it('refuses the same email spelled differently even when not normalized by the caller', async () => {
    await users.create(ann);
    await expect(users.create({ ...ann, email: 'Ann@EXAMPLE.io' })).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('gives different emails different ids', async () => {
    const first = await users.create(ann);
    const second = await users.create({ ...ann, email: 'bob@example.io' });
    expect(second.id).not.toBe(first.id);
  });

  it('finds a user by id', async () => {
    const created = await users.create(ann);
    expect(await users.findById(created.id)).toEqual(created);
  });

  it('finds a user by an upper-case spelling of its id', async () => {
    const created = await users.create(ann);
    expect((await users.findById(created.id.toUpperCase()))?.id).toBe(created.id);
  });

  it('finds a user by email, whatever its case', async () => {
    const created = await users.create(ann);
    expect(await users.findByEmail('ann@example.io')).toEqual(created);
    expect((await users.findByEmail(' ANN@example.IO '))?.id).toBe(created.id);
  });

  it('returns null for an unknown id or email', async () => {
    await users.create(ann);
    expect(await users.findById('000000000000000000000000')).toBeNull();
    expect(await users.findByEmail('nobody@example.io')).toBeNull();
  });

  it.each([['not-an-id'], [''], ['aaaaaaaaaaaa'], ['665f1c2b9d3e4a001234567z'], ['665f1c2b9d3e4a00123456789']])(
    'returns null, not an error, for the malformed id %j',
    async (id) => {
      await users.create(ann);
      expect(await users.findById(id)).toBeNull();
      expect(await users.updatePasswordHash(id, 'x')).toBe(false);
    },
  );

  it('updates the password hash and the updatedAt time', async () => {
    const created = await users.create(ann);
    await pause();
    expect(await users.updatePasswordHash(created.id, 'hash-2')).toBe(true);
    const updated = await users.findById(created.id);
    expect(updated?.passwordHash).toBe('hash-2');
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    expect(updated?.createdAt).toEqual(created.createdAt);
  });

  it('reports false when updating the password of an unknown user', async () => {
    expect(await users.updatePasswordHash('000000000000000000000000', 'x')).toBe(false);
  });

  it('creates a user with the roles given, normalized', async () => {
    expect((await users.create({ ...ann, roles: ['admin'] })).roles).toEqual(['user', 'admin']);
  });

  it('lists users newest first, strictly older than before, at most limit', async () => {
    const first = await users.create(ann);
    const second = await users.create({ ...ann, email: 'bob@example.io' });
    const third = await users.create({ ...ann, email: 'cy@example.io' });
    expect((await users.listNewest({ limit: 20 })).map((user) => user.id)).toEqual([third.id, second.id, first.id]);
    expect((await users.listNewest({ limit: 1 })).map((user) => user.id)).toEqual([third.id]);
    expect((await users.listNewest({ limit: 20, before: second.id.toUpperCase() })).map((user) => user.id)).toEqual([
      first.id,
    ]);
    expect(await users.listNewest({ limit: 20, before: first.id })).toEqual([]);
  });

  it('lists the one user of an email, whatever its spelling', async () => {
    await users.create(ann);
    const bob = await users.create({ ...ann, email: 'bob@example.io' });
    expect(await users.listNewest({ email: ' BOB@example.io', limit: 20 })).toEqual([bob]);
    expect(await users.listNewest({ email: 'nobody@example.io', limit: 20 })).toEqual([]);
  });

  it('sets roles, normalized, and gives the updated user back', async () => {
    const created = await users.create(ann);
    const updated = await users.setRoles(created.id, ['admin', 'user']);
    expect(updated?.roles).toEqual(['user', 'admin']);
    expect((await users.findById(created.id))?.roles).toEqual(['user', 'admin']);
    expect((await users.setRoles(created.id, []))?.roles).toEqual(['user']);
    expect(await users.setRoles('000000000000000000000000', ['user'])).toBeNull();
    expect(await users.setRoles('not-an-id', ['user'])).toBeNull();
  });

  it('locks and unlocks', async () => {
    const created = await users.create(ann);
    const at = new Date('2026-02-03T04:05:06.789Z');
    expect(await users.setLockedAt(created.id, at)).toBe(true);
    expect((await users.findById(created.id))?.lockedAt).toEqual(at);
    expect(await users.setLockedAt(created.id, null)).toBe(true);
    expect((await users.findById(created.id))?.lockedAt).toBeNull();
    expect(await users.setLockedAt('000000000000000000000000', at)).toBe(false);
    expect(await users.setLockedAt('not-an-id', at)).toBe(false);
  });

  const idp = { issuer: 'https://idp.example.io', subject: 'ann-42' };

  it('creates a user without a password, linked to a provider account, and finds it by that identity', async () => {
    const created = await users.create({ email: 'sso@example.io', name: null, passwordHash: null, identities: [idp] });
    expect(created.passwordHash).toBeNull();
    expect(created.identities).toEqual([idp]);
    expect(await users.findByIdentity(idp)).toEqual(created);
    expect(await users.findById(created.id)).toEqual(created);
  });

  it('tells identities apart by issuer and subject together', async () => {
    await users.create({ ...ann, identities: [idp] });
    expect(await users.findByIdentity({ ...idp, issuer: 'https://other.example.io' })).toBeNull();
    expect(await users.findByIdentity({ ...idp, subject: 'ann-43' })).toBeNull();
  });

  it('links a provider account to an existing user, once however often it is linked', async () => {
    const created = await users.create(ann);
    expect(await users.findByIdentity(idp)).toBeNull();
    expect(await users.linkIdentity(created.id, idp)).toBe(true);
    expect(await users.linkIdentity(created.id, idp)).toBe(true);
    const linked = await users.findByIdentity(idp);
    expect(linked?.id).toBe(created.id);
    expect(linked?.identities).toEqual([idp]);
    expect(linked?.passwordHash).toBe('hash-1');
  });

  it('refuses to link or create a second user with an identity already linked', async () => {
    await users.create({ ...ann, identities: [idp] });
    const bob = await users.create({ ...ann, email: 'bob@example.io' });
    await expect(users.linkIdentity(bob.id, idp)).rejects.toBeInstanceOf(IdentityTakenError);
    await expect(
      users.create({ email: 'carol@example.io', name: null, passwordHash: null, identities: [idp] }),
    ).rejects.toBeInstanceOf(IdentityTakenError);
    expect((await users.findById(bob.id))?.identities).toEqual([]);
  });

  it('reports false when linking an identity to an unknown or malformed id', async () => {
    expect(await users.linkIdentity('000000000000000000000000', idp)).toBe(false);
    expect(await users.linkIdentity('not-an-id', idp)).toBe(false);
  });

  it('keeps users without identities apart (no collision on an empty list)', async () => {
    await users.create(ann);
    await expect(users.create({ ...ann, email: 'bob@example.io', identities: [] })).resolves.toBeDefined();
  });

  it('hands out copies: changing a returned user changes nothing stored', async () => {
    const created = await users.create(ann);
    created.email = 'mallory@example.io';
    created.createdAt.setFullYear(1999);
    created.roles.push('admin');
    created.identities.push({ issuer: 'https://evil.example.io', subject: 'x' });
    const stored = await users.findById(created.id);
    expect(stored?.email).toBe('ann@example.io');
    expect(stored?.roles).toEqual(['user']);
    expect(stored?.createdAt.getFullYear()).not.toBe(1999);
    expect(stored?.identities).toEqual([]);
  });
}

/** Long enough for a millisecond clock to move on. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

const mongoUri = process.env.MONGODB_URI;

describe(`UserRepository contract [memory]${mongoUri ? '' : ' (mongo: set MONGODB_URI to run)'}`, () => {
  userRepositoryContract(() => Promise.resolve(new MemoryUserRepository()));
});

if (mongoUri) {
  /** The adapter as the application builds it: DatabaseModule (init() runs MongoReadiness) and DI. */
  function compile(dbName: string): Promise<TestingModule> {
    return Test.createTestingModule({
      imports: [
        DatabaseModule.register({
          dataStore: 'mongo',
          sessionStore: 'memory',
          mongodbUri: withDatabase(mongoUri!, dbName),
          mongodbConnectTimeout: 10,
        }),
        UsersPersistenceModule.register('mongo'),
      ],
    }).compile();
  }

  describe('UserRepository contract [mongo]', () => {
    let moduleRef: TestingModule;
    let model: Model<UserRecord>;

    // No model.init() here: start-up itself must leave the unique email index in place.
    beforeAll(async () => {
      moduleRef = await compile(throwAwayDatabaseName('users'));
      await moduleRef.init();
      model = moduleRef.get<Model<UserRecord>>(getModelToken(USER_MODEL));
    });

    afterAll(async () => {
      const connection = moduleRef?.get<Connection>(getConnectionToken());
      if (connection?.readyState === mongoose.ConnectionStates.connected) await connection.dropDatabase();
      await moduleRef?.close();
    });

    it('has the unique email and identity indexes once start-up is done', async () => {
      const indexes = await model.collection.indexes();
      expect(indexes).toContainEqual(expect.objectContaining({ key: { email: 1 }, unique: true }));
      expect(indexes).toContainEqual(
        expect.objectContaining({ key: { 'identities.issuer': 1, 'identities.subject': 1 }, unique: true }),
      );
    });

    userRepositoryContract(async () => {
      await model.deleteMany({});
      return moduleRef.get(UserRepository);
    });
  });

  describe('start-up against existing data [mongo]', () => {
    it('refuses to start, naming the index and not the duplicated email, when old data breaks the unique index', async () => {
      const dbName = throwAwayDatabaseName('users_dup');
      const seed = await mongoose
        .createConnection(withDatabase(mongoUri, dbName), { serverSelectionTimeoutMS: 5000 })
        .asPromise();
      try {
        await seed.collection('users').insertMany([
          { email: 'dup@example.io', passwordHash: 'h' },
          { email: 'dup@example.io', passwordHash: 'h' },
        ]);
        const moduleRef = await compile(dbName);
        const failure = await moduleRef.init().catch((error: unknown) => error);
        // After a failed init() Nest's close() only rethrows that failure: close the connection itself.
        await moduleRef.get<Connection>(getConnectionToken()).close();
        expect(failure).toBeInstanceOf(StartupFailedError);
        expect((failure as Error).message).toMatch(
          /^MongoDB indexes of users could not be built: DuplicateKey \(11000\)/,
        );
        expect((failure as Error).message).not.toContain('dup@example.io');
      } finally {
        await seed.dropDatabase();
        await seed.close();
      }
    });
  });
}
