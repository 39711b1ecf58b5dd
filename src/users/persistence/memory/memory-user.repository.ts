import { Injectable } from '@nestjs/common';
import { ObjectId } from 'bson';
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

/**
 * Process-local store for development and tests; behaves like the Mongo adapter.
 * Methods are not `async` because nothing here awaits (eslint's require-await).
 */
@Injectable()
export class MemoryUserRepository extends UserRepository {
  private readonly byId = new Map<string, User>();

  create(input: NewUser): Promise<User> {
    // Normalized again so this store agrees with the Mongo schema's lowercase/trim.
    const email = normalizeEmail(input.email);
    if (this.findStoredByEmail(email)) return Promise.reject(new EmailTakenError());
    const identities = (input.identities ?? []).map((identity) => ({ ...identity }));
    if (identities.some((identity) => this.findStoredByIdentity(identity))) {
      return Promise.reject(new IdentityTakenError());
    }
    const now = new Date();
    const user: User = {
      id: new ObjectId().toHexString(),
      email,
      name: input.name ?? null,
      passwordHash: input.passwordHash,
      roles: normalizeRoles(input.roles ?? DEFAULT_ROLES),
      lockedAt: null,
      identities,
      createdAt: now,
      updatedAt: now,
    };
    this.byId.set(user.id, user);
    return Promise.resolve(copy(user));
  }

  findById(id: string): Promise<User | null> {
    // Lower-cased because Mongo accepts upper-case hex for the same ObjectId.
    const user = this.byId.get(id.toLowerCase());
    return Promise.resolve(user ? copy(user) : null);
  }

  findByEmail(email: string): Promise<User | null> {
    const user = this.findStoredByEmail(normalizeEmail(email));
    return Promise.resolve(user ? copy(user) : null);
  }

  findByIdentity(identity: LinkedIdentity): Promise<User | null> {
    const user = this.findStoredByIdentity(identity);
    return Promise.resolve(user ? copy(user) : null);
  }

  linkIdentity(id: string, identity: LinkedIdentity): Promise<boolean> {
    const user = this.byId.get(id.toLowerCase());
    if (!user) return Promise.resolve(false);
    const holder = this.findStoredByIdentity(identity);
    if (holder && holder !== user) return Promise.reject(new IdentityTakenError());
    if (!holder) {
      user.identities.push({ ...identity });
      user.updatedAt = new Date();
    }
    return Promise.resolve(true);
  }

  updatePasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const user = this.byId.get(id.toLowerCase());
    if (!user) return Promise.resolve(false);
    user.passwordHash = passwordHash;
    user.updatedAt = new Date();
    return Promise.resolve(true);
  }

  listNewest({ email, limit, before }: ListUsersQuery): Promise<User[]> {
    // Fixed-length lower-case hex compares as strings the way ObjectIds compare.
    const cursor = before?.toLowerCase();
    const wanted = email === undefined ? undefined : normalizeEmail(email);
    const page = [...this.byId.values()]
      .filter((user) => (cursor === undefined || user.id < cursor) && (wanted === undefined || user.email === wanted))
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, limit);
    return Promise.resolve(page.map(copy));
  }

  setRoles(id: string, roles: Role[]): Promise<User | null> {
    const user = this.byId.get(id.toLowerCase());
    if (!user) return Promise.resolve(null);
    user.roles = normalizeRoles(roles);
    user.updatedAt = new Date();
    return Promise.resolve(copy(user));
  }

  setLockedAt(id: string, lockedAt: Date | null): Promise<boolean> {
    const user = this.byId.get(id.toLowerCase());
    if (!user) return Promise.resolve(false);
    user.lockedAt = lockedAt && new Date(lockedAt);
    user.updatedAt = new Date();
    return Promise.resolve(true);
  }

  private findStoredByIdentity({ issuer, subject }: LinkedIdentity): User | undefined {
    for (const user of this.byId.values()) {
      if (user.identities.some((known) => known.issuer === issuer && known.subject === subject)) return user;
    }
    return undefined;
  }

  private findStoredByEmail(email: string): User | undefined {
    for (const user of this.byId.values()) {
      if (user.email === email) return user;
    }
    return undefined;
  }
}

/** Callers get copies, so mutating a returned object never changes the store. */
function copy(user: User): User {
  return {
    ...user,
    roles: [...user.roles],
    lockedAt: user.lockedAt && new Date(user.lockedAt),
    identities: user.identities.map((identity) => ({ ...identity })),
    createdAt: new Date(user.createdAt),
    updatedAt: new Date(user.updatedAt),
  };
}
