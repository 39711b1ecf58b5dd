import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { normalizeEmail, User } from '../users/domain/user';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from './password-hasher';
import { RegisterDto } from './dto/register.dto';
import type { ChangePasswordDto } from './dto/change-password.dto';
import type { SessionResponse } from './dto/session.response';
import { AUTH_MECHANISMS, AuthMechanism, LinkedCredentials, LoginContext, TokenPair } from './auth-mechanism';
import { LoginThrottle } from './throttle/login-throttle';
import { RegistrationThrottle } from './throttle/registration-throttle';

/** One body for unknown email and wrong password, so neither can be told apart. */
export const BAD_CREDENTIALS = 'Invalid email or password';

export const NO_PASSWORD = 'Account has no password';

/** Credentials: registration and the password check behind every login. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly loginThrottle: LoginThrottle,
    private readonly registrationThrottle: RegistrationThrottle,
    @Inject(AUTH_MECHANISMS) private readonly mechanisms: AuthMechanism[],
  ) {}

  /** @throws 429 past REGISTER_MAX_PER_IP from this IP, 409 for a taken email. */
  async register(dto: RegisterDto, ip: string): Promise<User> {
    await this.registrationThrottle.take(ip);
    const passwordHash = await this.hasher.hash(dto.password);
    return this.users.create({ email: normalizeEmail(dto.email), name: dto.name ?? null, passwordHash });
  }

  /**
   * @throws 429 once the email or IP has spent its guesses, 401 for bad credentials.
   * Unknown emails, and accounts without a password (created by single sign-on), are verified
   * against a dummy hash: every failure costs the same and answers the same.
   */
  async validateCredentials(email: string, password: string, ip: string): Promise<User> {
    const normalized = normalizeEmail(email);
    const user = await this.loginThrottle.guarded(normalized, ip, async () => {
      const found = await this.users.findByEmail(normalized);
      const valid = found?.passwordHash
        ? await this.hasher.verify(found.passwordHash, password)
        : await this.hasher.verifyNothing(password);
      return valid ? found : null;
    });
    if (!user) throw new UnauthorizedException(BAD_CREDENTIALS);
    return user;
  }

  /**
   * After a successful password check or single sign-on: a session, tokens, or both, per
   * AUTH_STRATEGY. `issued` receives their handles (the ids GET /auth/sessions shows).
   */
  async issueCredentials(req: Request, res: Response, user: User, issued: string[] = []): Promise<Partial<TokenPair>> {
    const login: LoginContext = { req, res, user, linked: {}, issued };
    const fields: Partial<TokenPair> = {};
    for (const mechanism of this.mechanisms) Object.assign(fields, await mechanism.login(login));
    return fields;
  }

  /** Logout: each mechanism ends the credential of its kind that the request carries, and those linked to it. */
  async endCredentials(req: Request, res: Response, refreshToken?: string): Promise<void> {
    const linked = Object.assign(
      {},
      ...this.mechanisms.map((mechanism) => mechanism.linkedTo(req)),
    ) as LinkedCredentials;
    for (const mechanism of this.mechanisms) await mechanism.logout({ req, res, refreshToken, linked });
  }

  /** Cookie sessions and refresh families alike, oldest first. */
  async listSessions(userId: string, req: Request): Promise<SessionResponse[]> {
    const lists = await Promise.all(this.mechanisms.map((mechanism) => mechanism.listSessions(userId, req)));
    return lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** @throws 404 when the handle is not one of the caller's sessions. */
  async endSession(userId: string, handle: string, req: Request, res: Response): Promise<void> {
    for (const mechanism of this.mechanisms) {
      if (await mechanism.endSession(userId, handle, req, res)) return;
    }
    throw new NotFoundException('No such session');
  }

  async endAllSessions(userId: string, req: Request, res: Response, keepCurrent = false): Promise<void> {
    for (const mechanism of this.mechanisms) await mechanism.endAllSessions(userId, req, res, keepCurrent);
  }

  /**
   * @throws 403 for a wrong current password (counted like a failed login, so it cannot
   * be guessed faster through this route). Every other session and family ends, and the
   * request's own credential is renewed (a cookie session gets a fresh id).
   * @throws 409 for an account without a password (single sign-on): there is nothing to check it against.
   */
  async changePassword(userId: string, dto: ChangePasswordDto, req: Request, res: Response): Promise<void> {
    const found = await this.users.findById(userId);
    if (!found) throw new UnauthorizedException('Authentication required');
    const { passwordHash } = found;
    if (passwordHash === null) throw new ConflictException(NO_PASSWORD);
    const user = await this.loginThrottle.guarded(found.email, req.ip ?? 'unknown', async () =>
      (await this.hasher.verify(passwordHash, dto.currentPassword)) ? found : null,
    );
    if (!user) throw new ForbiddenException('Current password is wrong');
    await this.users.updatePasswordHash(user.id, await this.hasher.hash(dto.newPassword));
    await this.endAllSessions(user.id, req, res, true);
    for (const mechanism of this.mechanisms) await mechanism.renew(req, res, user);
  }
}
