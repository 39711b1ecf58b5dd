import { ConflictException, Injectable } from '@nestjs/common';
import {
  EmailTakenError,
  IdentityTakenError,
  LinkedIdentity,
  ListUsersQuery,
  NewUser,
  normalizeEmail,
  Role,
  User,
} from './domain/user';
import { UserRepository } from './persistence/user.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  /** @throws ConflictException (409) when the email is already registered, or an identity already linked. */
  async create(user: NewUser): Promise<User> {
    try {
      return await this.users.create({ ...user, email: normalizeEmail(user.email) });
    } catch (error) {
      if (error instanceof EmailTakenError || error instanceof IdentityTakenError) {
        throw new ConflictException(error.message);
      }
      throw error;
    }
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(normalizeEmail(email));
  }

  findByIdentity(identity: LinkedIdentity): Promise<User | null> {
    return this.users.findByIdentity(identity);
  }

  /**
   * @returns false when no such user exists.
   * @throws ConflictException (409) when the identity is linked to another user.
   */
  async linkIdentity(id: string, identity: LinkedIdentity): Promise<boolean> {
    try {
      return await this.users.linkIdentity(id, identity);
    } catch (error) {
      if (error instanceof IdentityTakenError) throw new ConflictException(error.message);
      throw error;
    }
  }

  /** @returns false when no such user exists. */
  updatePasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return this.users.updatePasswordHash(id, passwordHash);
  }

  listNewest(query: ListUsersQuery): Promise<User[]> {
    return this.users.listNewest(query);
  }

  /** @returns null when no such user exists. */
  setRoles(id: string, roles: Role[]): Promise<User | null> {
    return this.users.setRoles(id, roles);
  }

  /** @returns false when no such user exists. */
  setLockedAt(id: string, lockedAt: Date | null): Promise<boolean> {
    return this.users.setLockedAt(id, lockedAt);
  }
}
