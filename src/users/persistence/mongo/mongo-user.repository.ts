import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model, Types } from 'mongoose';
import { asStoreError, mongoCall } from '../../../database/mongo-errors';
import { isObjectIdHex } from '../../../database/object-id';
import {
  DEFAULT_ROLES,
  EmailTakenError,
  IdentityTakenError,
  LinkedIdentity,
  ListUsersQuery,
  NewUser,
  normalizeEmail,
  normalizeRoles,
  Role,
  User,
} from '../../domain/user';
import { UserRepository } from '../user.repository';
import { toUser } from './user.mapper';
import { USER_MODEL, UserLean, UserRecord } from './user.schema';

const DUPLICATE_KEY = 11000;

@Injectable()
export class MongoUserRepository extends UserRepository {
  constructor(@InjectModel(USER_MODEL) private readonly users: Model<UserRecord>) {
    super();
  }

  async create(input: NewUser): Promise<User> {
    try {
      const created = await this.users.create({
        email: normalizeEmail(input.email),
        name: input.name ?? null,
        passwordHash: input.passwordHash,
        roles: normalizeRoles(input.roles ?? DEFAULT_ROLES),
        identities: input.identities ?? [],
      });
      return toUser(created.toObject<UserLean>());
    } catch (error) {
      // The unique index is the only race-free uniqueness check.
      if (isDuplicateKeyError(error)) throw duplicateOf(error);
      throw asStoreError(error);
    }
  }

  async findById(id: string): Promise<User | null> {
    // A malformed id cannot name a user; querying with it would throw a CastError.
    if (!isObjectIdHex(id)) return null;
    const record = await mongoCall(() => this.users.findById(id).lean<UserLean>().exec());
    return record ? toUser(record) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const record = await mongoCall(() =>
      this.users
        .findOne({ email: normalizeEmail(email) })
        .lean<UserLean>()
        .exec(),
    );
    return record ? toUser(record) : null;
  }

  async findByIdentity({ issuer, subject }: LinkedIdentity): Promise<User | null> {
    const record = await mongoCall(() =>
      this.users
        .findOne({ identities: { $elemMatch: { issuer, subject } } })
        .lean<UserLean>()
        .exec(),
    );
    return record ? toUser(record) : null;
  }

  async linkIdentity(id: string, { issuer, subject }: LinkedIdentity): Promise<boolean> {
    if (!isObjectIdHex(id)) return false;
    try {
      // $addToSet: linking twice changes nothing (the subdocument's fields are always in this order).
      const result = await this.users.updateOne({ _id: id }, { $addToSet: { identities: { issuer, subject } } }).exec();
      return result.matchedCount === 1;
    } catch (error) {
      // The unique (issuer, subject) index: another user holds it.
      if (isDuplicateKeyError(error)) throw new IdentityTakenError();
      throw asStoreError(error);
    }
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<boolean> {
    if (!isObjectIdHex(id)) return false;
    const result = await mongoCall(() => this.users.updateOne({ _id: id }, { $set: { passwordHash } }).exec());
    return result.matchedCount === 1;
  }

  async listNewest({ email, limit, before }: ListUsersQuery): Promise<User[]> {
    const filter: FilterQuery<UserRecord> = {};
    if (before) filter._id = { $lt: new Types.ObjectId(before) };
    if (email !== undefined) filter.email = normalizeEmail(email);
    const records = await mongoCall(() =>
      this.users.find(filter).sort({ _id: -1 }).limit(limit).lean<UserLean[]>().exec(),
    );
    return records.map(toUser);
  }

  async setRoles(id: string, roles: Role[]): Promise<User | null> {
    if (!isObjectIdHex(id)) return null;
    const record = await mongoCall(() =>
      this.users
        .findByIdAndUpdate(id, { $set: { roles: normalizeRoles(roles) } }, { new: true })
        .lean<UserLean>()
        .exec(),
    );
    return record ? toUser(record) : null;
  }

  async setLockedAt(id: string, lockedAt: Date | null): Promise<boolean> {
    if (!isObjectIdHex(id)) return false;
    const result = await mongoCall(() => this.users.updateOne({ _id: id }, { $set: { lockedAt } }).exec());
    return result.matchedCount === 1;
  }
}

/** Which unique index a duplicate-key error broke: the email's, or an identity's. */
function duplicateOf(error: unknown): Error {
  const keyPattern = (error as { keyPattern?: Record<string, unknown> }).keyPattern ?? {};
  return 'identities.issuer' in keyPattern ? new IdentityTakenError() : new EmailTakenError();
}

function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}
