import mongoose, { Connection, Model } from 'mongoose';
import { EmailTakenError, normalizeEmail } from '../domain/user';
import { MemoryUserRepository } from './memory/memory-user.repository';
import { MongoUserRepository } from './mongo/mongo-user.repository';
import { USER_MODEL, UserRecord, UserSchema } from './mongo/user.schema';
import { UserRepository } from './user.repository';

/** What every UserRepository adapter must do; `fresh` gives an empty repository. */
function userRepositoryContract(fresh: () => Promise<UserRepository>): void {
  let users: UserRepository;
  beforeEach(async () => {
    users = await fresh();
  });

  const ann = { email: 'ann@example.io', name: 'Ann', passwordHash: 'hash-1' };

  it('creates a user with a 24-hex id and timestamps', async () => {
    const { id, createdAt, updatedAt, ...fields } = await users.create(ann);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(fields).toEqual({ email: 'ann@example.io', name: 'Ann', passwordHash: 'hash-1' });
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

  it('hands out copies: changing a returned user changes nothing stored', async () => {
    const created = await users.create(ann);
    created.email = 'mallory@example.io';
    created.createdAt.setFullYear(1999);
    const stored = await users.findById(created.id);
    expect(stored?.email).toBe('ann@example.io');
    expect(stored?.createdAt.getFullYear()).not.toBe(1999);
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
  describe('UserRepository contract [mongo]', () => {
    const dbName = `contract_users_${process.pid}_${Date.now()}`;
    let connection: Connection;
    let model: Model<UserRecord>;

    beforeAll(async () => {
      connection = await mongoose.createConnection(mongoUri, { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
      model = connection.model<UserRecord>(USER_MODEL, UserSchema);
      // The unique index must exist before the duplicate-email cases run.
      await model.init();
    });

    afterAll(async () => {
      await connection?.dropDatabase();
      await connection?.close();
    });

    userRepositoryContract(async () => {
      await model.deleteMany({});
      return new MongoUserRepository(model);
    });
  });
}
