import { NewUser, User } from '../domain/user';

/**
 * The port UsersService depends on. Bound to the Mongo or the memory adapter by
 * UsersPersistenceModule from DATA_STORE. Emails passed in are already normalized.
 */
export abstract class UserRepository {
  /** @throws EmailTakenError when the email is already registered. */
  abstract create(user: NewUser): Promise<User>;
  abstract findById(id: string): Promise<User | null>;
  abstract findByEmail(email: string): Promise<User | null>;
  /** @returns false when no such user exists. */
  abstract updatePasswordHash(id: string, passwordHash: string): Promise<boolean>;
}
