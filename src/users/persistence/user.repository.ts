import { LinkedIdentity, ListUsersQuery, NewUser, Role, User } from '../domain/user';

/**
 * The port UsersService depends on. Bound to the Mongo or the memory adapter by
 * UsersPersistenceModule from DATA_STORE. Emails passed in are already normalized.
 */
export abstract class UserRepository {
  /** @throws EmailTakenError when the email is already registered. */
  abstract create(user: NewUser): Promise<User>;
  abstract findById(id: string): Promise<User | null>;
  abstract findByEmail(email: string): Promise<User | null>;
  /** The user a provider account is linked to. */
  abstract findByIdentity(identity: LinkedIdentity): Promise<User | null>;
  /**
   * Links a provider account to the user (nothing changes when it already is).
   * @returns false when no such user exists.
   * @throws IdentityTakenError when it is linked to another user.
   */
  abstract linkIdentity(id: string, identity: LinkedIdentity): Promise<boolean>;
  /** @returns false when no such user exists. */
  abstract updatePasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /** Newest first (by id, which embeds creation time), strictly older than `before`. */
  abstract listNewest(query: ListUsersQuery): Promise<User[]>;
  /** @returns the updated user, or null when no such user exists. Roles come normalized (normalizeRoles). */
  abstract setRoles(id: string, roles: Role[]): Promise<User | null>;
  /** Locks (a date) or unlocks (null). @returns false when no such user exists. */
  abstract setLockedAt(id: string, lockedAt: Date | null): Promise<boolean>;
}
