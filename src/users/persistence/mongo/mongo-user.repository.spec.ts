import { MongoNetworkError, MongoServerError } from 'mongodb';
import type { Model } from 'mongoose';
import { StoreUnavailableError } from '../../../common/store-unavailable.error';
import { EmailTakenError, IdentityTakenError } from '../../domain/user';
import { MongoUserRepository } from './mongo-user.repository';
import type { UserRecord } from './user.schema';

const ID = '665f1c2b9d3e4a0011111111';
const IDENTITY = { issuer: 'https://idp.example', subject: 'ann' };

/**
 * A stand-in model whose calls fail with `error`: no mongod can run on the CI machines, so what
 * the driver throws is thrown here by hand. The real server is exercised by
 * user.repository.contract.spec.ts (with MONGODB_URI).
 */
function failingModel(error: Error): Model<UserRecord> {
  const query = { sort: () => query, limit: () => query, lean: () => query, exec: () => Promise.reject(error) };
  return {
    create: () => Promise.reject(error),
    find: () => query,
    findByIdAndUpdate: () => query,
    findById: () => query,
    findOne: () => query,
    updateOne: () => query,
  } as unknown as Model<UserRecord>;
}

describe('MongoUserRepository when MongoDB is unreachable', () => {
  const users = new MongoUserRepository(failingModel(new MongoNetworkError('connection reset')));

  it.each<[string, () => Promise<unknown>]>([
    ['create', () => users.create({ email: 'ann@example.io', name: null, passwordHash: 'h' })],
    ['findById', () => users.findById(ID)],
    ['findByEmail', () => users.findByEmail('ann@example.io')],
    ['updatePasswordHash', () => users.updatePasswordHash(ID, 'h')],
    ['listNewest', () => users.listNewest({ limit: 20, before: ID, email: 'ann@example.io' })],
    ['setRoles', () => users.setRoles(ID, ['user'])],
    ['setLockedAt', () => users.setLockedAt(ID, new Date())],
    ['findByIdentity', () => users.findByIdentity(IDENTITY)],
    ['linkIdentity', () => users.linkIdentity(ID, IDENTITY)],
  ])('%s rejects with StoreUnavailableError("mongo")', async (_name, call) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ store: 'mongo' });
  });

  it('still turns a duplicate key into EmailTakenError', async () => {
    const duplicate = new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' });
    await expect(
      new MongoUserRepository(failingModel(duplicate)).create({ email: 'a@b.io', name: null, passwordHash: 'h' }),
    ).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('turns a duplicate key of the identity index into IdentityTakenError, on create and on link', async () => {
    const duplicate = new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' });
    duplicate.keyPattern = { 'identities.issuer': 1, 'identities.subject': 1 };
    const users = new MongoUserRepository(failingModel(duplicate));
    await expect(
      users.create({ email: 'a@b.io', name: null, passwordHash: null, identities: [IDENTITY] }),
    ).rejects.toBeInstanceOf(IdentityTakenError);
    await expect(users.linkIdentity(ID, IDENTITY)).rejects.toBeInstanceOf(IdentityTakenError);
  });
});
