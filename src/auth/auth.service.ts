import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { RetryLaterException } from '../common/retry-later.exception';
import type { AppConfig } from '../config/config.schema';
import { normalizeEmail, Role, User } from '../users/domain/user';
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
export const ACCOUNT_LOCKED = 'Account is locked';

export const NO_PASSWORD = 'Account has no password';

/** Credentials: registration and the password check behind every login. */
/** How a login proved who the user is: recorded in its audit events. */
export type LoginMethod = 'password' | 'oidc';

@Injectable()
export class AuthService {
  /** ADMIN_EMAILS, normalized: these accounts are made admins when they register or log in. */
  private readonly adminEmails: ReadonlySet<string>;

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly loginThrottle: LoginThrottle,
    private readonly registrationThrottle: RegistrationThrottle,
    private readonly audit: AuditService,
    @Inject(AUTH_MECHANISMS) private readonly mechanisms: AuthMechanism[],
    config: ConfigService<AppConfig, true>,
  ) {
    this.adminEmails = new Set(config.get('admin', { infer: true }).emails.map(normalizeEmail));
  }

  /** @throws 429 past REGISTER_MAX_PER_IP from this IP, 409 for a taken email, 503 when the hash queue is full. */
  async register(dto: RegisterDto, ip: string): Promise<User> {
    return this.registrationThrottle.guarded(ip, async () => {
      const passwordHash = await this.hasher.hash(dto.password);
      const email = normalizeEmail(dto.email);
      const roles: Role[] = this.adminEmails.has(email) ? ['user', 'admin'] : ['user'];
      return this.users.create({ email, name: dto.name ?? null, passwordHash, roles });
    });
  }

  /**
   * @throws 429 once the email or IP has spent its guesses, 401 for bad credentials, 403 for a
   * locked account: only after the password check, so that it tells a guesser nothing.
   * Unknown emails, and accounts without a password (created by single sign-on), are verified
   * against a dummy hash: every failure costs the same and answers the same.
   */
  async validateCredentials(email: string, password: string, req: Request): Promise<User> {
    const normalized = normalizeEmail(email);
    let found: User | null = null;
    let user: User | null;
    try {
      user = await this.loginThrottle.guarded(normalized, req.ip ?? 'unknown', async () => {
        found = await this.users.findByEmail(normalized);
        const valid = found?.passwordHash
          ? await this.hasher.verify(found.passwordHash, password)
          : await this.hasher.verifyNothing(password);
        return valid ? found : null;
      });
    } catch (error) {
      if (error instanceof RetryLaterException && error.getStatus() === 429) {
        this.audit.record('login.throttled', req, { userId: null }, { email: normalized });
      }
      throw error;
    }
    if (!user) {
      // Assigned inside the judge, which TypeScript's narrowing does not follow.
      const userId = (found as User | null)?.id ?? null;
      this.audit.record('login.failed', req, { userId }, { email: normalized, reason: 'bad_credentials' });
      throw new UnauthorizedException(BAD_CREDENTIALS);
    }
    return this.admit(user, req, 'password');
  }

  /**
   * After the identity is proven (a password, or single sign-on): a locked account is refused
   * (403), and an account listed in ADMIN_EMAILS becomes an admin.
   */
  async admit(user: User, req: Request, method: LoginMethod): Promise<User> {
    if (user.lockedAt) {
      this.audit.record('login.failed', req, { userId: user.id }, { email: user.email, reason: 'locked', method });
      throw new ForbiddenException(ACCOUNT_LOCKED);
    }
    return this.bootstrapAdmin(user, req);
  }

  /**
   * After a successful password check or single sign-on: a session, tokens, or both, per
   * AUTH_STRATEGY. `issued` receives their handles (the ids GET /auth/sessions shows).
   */
  async issueCredentials(
    req: Request,
    res: Response,
    user: User,
    method: LoginMethod,
    issued: string[] = [],
  ): Promise<Partial<TokenPair>> {
    const login: LoginContext = { req, res, user, linked: {}, issued };
    const fields: Partial<TokenPair> = {};
    for (const mechanism of this.mechanisms) Object.assign(fields, await mechanism.login(login));
    this.audit.record('login.succeeded', req, { userId: user.id }, { method });
    return fields;
  }

  /** Logout: each mechanism ends the credential of its kind that the request carries, and those linked to it. */
  async endCredentials(req: Request, res: Response, refreshToken?: string): Promise<void> {
    const linked = Object.assign(
      {},
      ...this.mechanisms.map((mechanism) => mechanism.linkedTo(req)),
    ) as LinkedCredentials;
    for (const mechanism of this.mechanisms) await mechanism.logout({ req, res, refreshToken, linked });
    if (req.user) this.audit.record('logout', req, { userId: req.user.id });
  }

  /** Cookie sessions and refresh families alike, oldest first. */
  async listSessions(userId: string, req: Request): Promise<SessionResponse[]> {
    const lists = await Promise.all(this.mechanisms.map((mechanism) => mechanism.listSessions(userId, req)));
    return lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Ends one session of `userId`, on its own request or an admin's (the caller is the actor).
   * @throws 404 when the handle is not one of that user's sessions.
   */
  async endSession(userId: string, handle: string, req: Request, res: Response): Promise<void> {
    for (const mechanism of this.mechanisms) {
      if (await mechanism.endSession(userId, handle, req, res)) {
        this.audit.record('session.ended', req, { userId, actorId: req.user?.id ?? null });
        return;
      }
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
    this.audit.record('password.changed', req, { userId: user.id });
  }

  /** ADMIN_EMAILS at login: an account listed there since it registered becomes an admin now. */
  private async bootstrapAdmin(user: User, req: Request): Promise<User> {
    if (!this.adminEmails.has(user.email) || user.roles.includes('admin')) return user;
    const promoted = (await this.users.setRoles(user.id, [...user.roles, 'admin'])) ?? user;
    this.audit.record(
      'roles.changed',
      req,
      { userId: user.id, actorId: null },
      { from: user.roles, to: promoted.roles, by: 'ADMIN_EMAILS' },
    );
    return promoted;
  }
}
