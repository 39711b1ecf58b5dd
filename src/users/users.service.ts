import { ConflictException, Injectable } from '@nestjs/common';
import { EmailTakenError, NewUser, normalizeEmail, User } from './domain/user';
import { UserRepository } from './persistence/user.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  /** @throws ConflictException (409) when the email is already registered. */
  async create(user: NewUser): Promise<User> {
    try {
      return await this.users.create({ ...user, email: normalizeEmail(user.email) });
    } catch (error) {
      if (error instanceof EmailTakenError) throw new ConflictException(error.message);
      throw error;
    }
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(normalizeEmail(email));
  }

  /** @returns false when no such user exists. */
  updatePasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return this.users.updatePasswordHash(id, passwordHash);
  }
}
