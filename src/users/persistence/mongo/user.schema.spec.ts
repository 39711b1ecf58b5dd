import mongoose, { Types } from 'mongoose';
import type { Role } from '../../domain/user';
import { toUser } from './user.mapper';
import { UserLean, UserRecord, UserSchema } from './user.schema';

// A model on a private Mongoose instance: building documents needs no server.
const UserModel = new mongoose.Mongoose().model<UserRecord>('UserSchemaSpec', UserSchema);

describe('UserSchema', () => {
  it('declares a unique index on email', () => {
    expect(UserSchema.indexes()).toContainEqual([{ email: 1 }, expect.objectContaining({ unique: true })]);
  });

  it('stores the collection and timestamps the contract relies on', () => {
    expect(UserSchema.get('collection')).toBe('users');
    expect(UserSchema.path('createdAt')).toBeDefined();
    expect(UserSchema.path('updatedAt')).toBeDefined();
  });

  it('trims and lower-cases the email', () => {
    const user = new UserModel({ email: '  Ann@Example.IO ', passwordHash: 'h' });
    expect(user.email).toBe('ann@example.io');
    expect(user.validateSync()).toBeUndefined();
  });

  it('defaults name to null', () => {
    expect(new UserModel({ email: 'a@b.io', passwordHash: 'h' }).name).toBeNull();
  });

  it('defaults roles to user, each account its own list, and lockedAt to null', () => {
    const ann = new UserModel({ email: 'a@b.io', passwordHash: 'h' });
    const bob = new UserModel({ email: 'b@b.io', passwordHash: 'h' });
    ann.roles.push('admin');
    expect([...bob.roles]).toEqual(['user']);
    expect(bob.lockedAt).toBeNull();
  });

  it('refuses a role that does not exist', () => {
    const error = new UserModel({ email: 'a@b.io', passwordHash: 'h', roles: ['user', 'root'] }).validateSync();
    expect(Object.keys(error?.errors ?? {})).toEqual(['roles.1']);
  });

  it('requires an email, but not a password hash (single sign-on accounts have none)', () => {
    const error = new UserModel({}).validateSync();
    expect(Object.keys(error?.errors ?? {})).toEqual(['email']);
    const ssoUser = new UserModel({ email: 'a@b.io' });
    expect(ssoUser.passwordHash).toBeNull();
    expect(ssoUser.identities).toEqual([]);
    expect(ssoUser.validateSync()).toBeUndefined();
  });

  it('declares a unique index on (identities.issuer, identities.subject), only over users that have one', () => {
    expect(UserSchema.indexes()).toContainEqual([
      { 'identities.issuer': 1, 'identities.subject': 1 },
      expect.objectContaining({
        unique: true,
        partialFilterExpression: { 'identities.issuer': { $exists: true } },
      }),
    ]);
  });

  it('stores identities as plain values: no _id of their own, issuer and subject required', () => {
    const user = new UserModel({ email: 'a@b.io', identities: [{ issuer: 'https://idp', subject: 's' }] });
    expect(user.toObject<UserLean>().identities).toEqual([{ issuer: 'https://idp', subject: 's' }]);
    const error = new UserModel({ email: 'a@b.io', identities: [{ issuer: 'https://idp' }] }).validateSync();
    expect(Object.keys(error?.errors ?? {})).toContain('identities.0.subject');
  });
});

describe('toUser', () => {
  it('maps a document to a domain user with a string id and nothing of Mongo', () => {
    const _id = new Types.ObjectId();
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const updatedAt = new Date('2026-01-02T00:00:00Z');
    const identities = [{ issuer: 'https://idp.example', subject: '42' }];
    const lockedAt = new Date('2026-01-03T00:00:00Z');
    const record = {
      _id,
      __v: 3,
      email: 'ann@x.io',
      name: null,
      passwordHash: 'h',
      roles: ['admin', 'user'] as Role[],
      lockedAt,
      identities,
      createdAt,
      updatedAt,
    };

    const user = toUser(record);

    expect(user).toEqual({
      id: _id.toHexString(),
      email: 'ann@x.io',
      name: null,
      passwordHash: 'h',
      roles: ['user', 'admin'],
      lockedAt,
      identities,
      createdAt,
      updatedAt,
    });
    expect(typeof user.id).toBe('string');
    expect(user).not.toHaveProperty('_id');
    expect(user).not.toHaveProperty('__v');
  });

  it('reads an account stored before roles and locking existed as a user, not locked', () => {
    const user = toUser({ _id: new Types.ObjectId(), email: 'old@x.io', name: null, passwordHash: 'h' } as UserLean);
    expect(user.roles).toEqual(['user']);
    expect(user.lockedAt).toBeNull();
  });

  it('maps a hydrated document through toObject()', () => {
    const doc = new UserModel({ email: 'Bob@X.io', passwordHash: 'h', name: 'Bob' });
    const user = toUser(doc.toObject<UserLean>());
    expect(user.id).toBe(doc._id.toHexString());
    expect(user.name).toBe('Bob');
    expect(user.email).toBe('bob@x.io');
  });
});
