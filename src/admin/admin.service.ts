import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { AuthService } from '../auth/auth.service';
import type { SessionResponse } from '../auth/dto/session.response';
import { ListUsersQuery, normalizeRoles, Role, User } from '../users/domain/user';
import { UsersService } from '../users/users.service';

const NO_SUCH_USER = 'No such user';

/**
 * What an admin does to other accounts. Sessions are listed and ended through AuthService, so
 * through every mechanism of the mode (cookie sessions, refresh families) exactly as the user's
 * own logout-all does; `req` is the admin's request, the actor of every audit event.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  listUsers(query: ListUsersQuery): Promise<User[]> {
    return this.users.listNewest(query);
  }

  /** @throws 404 for an unknown user. Another user's sessions are never the admin's current one. */
  async listSessions(userId: string, req: Request): Promise<SessionResponse[]> {
    await this.existing(userId);
    return (await this.auth.listSessions(userId, req)).map((session) => ({ ...session, current: false }));
  }

  /** @throws 404 for an unknown user or session. */
  async endSession(userId: string, handle: string, req: Request, res: Response): Promise<void> {
    await this.existing(userId);
    await this.auth.endSession(userId, handle, req, res);
  }

  /** @throws 404 for an unknown user. */
  async logoutAll(userId: string, req: Request, res: Response): Promise<void> {
    await this.existing(userId);
    await this.auth.endAllSessions(userId, req, res);
    this.audit.record('sessions.ended_all', req, { userId, actorId: this.actorOf(req) });
  }

  /**
   * Locked first, then every session and family ended: a login that passes the password check
   * meanwhile is refused as locked, and nothing issued before the lock outlives it.
   * @throws 409 for the admin's own account, 404 for an unknown user.
   */
  async lock(userId: string, req: Request, res: Response): Promise<void> {
    if (userId.toLowerCase() === this.actorOf(req)) throw new ConflictException('An admin cannot lock themselves');
    if (!(await this.users.setLockedAt(userId, new Date()))) throw new NotFoundException(NO_SUCH_USER);
    await this.auth.endAllSessions(userId, req, res);
    this.audit.record('account.locked', req, { userId, actorId: this.actorOf(req) });
  }

  /** @throws 404 for an unknown user. */
  async unlock(userId: string, req: Request): Promise<void> {
    if (!(await this.users.setLockedAt(userId, null))) throw new NotFoundException(NO_SUCH_USER);
    this.audit.record('account.unlocked', req, { userId, actorId: this.actorOf(req) });
  }

  /**
   * Sets the roles (`user` always kept), then ends every session and family of the user: no
   * credential keeps a role it lost, nor lacks one it gained, past this request.
   * @throws 409 when an admin would remove their own admin role, 404 for an unknown user.
   */
  async setRoles(userId: string, requested: Role[], req: Request, res: Response): Promise<User> {
    const roles = normalizeRoles(requested);
    if (userId.toLowerCase() === this.actorOf(req) && !roles.includes('admin')) {
      throw new ConflictException('An admin cannot remove their own admin role');
    }
    const before = await this.existing(userId);
    const updated = await this.users.setRoles(userId, roles);
    if (!updated) throw new NotFoundException(NO_SUCH_USER);
    await this.auth.endAllSessions(userId, req, res);
    this.audit.record(
      'roles.changed',
      req,
      { userId: updated.id, actorId: this.actorOf(req) },
      { from: before.roles, to: updated.roles },
    );
    return updated;
  }

  private async existing(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundException(NO_SUCH_USER);
    return user;
  }

  /** The admin: the routes are @Roles('admin'), so there always is a caller. */
  private actorOf(req: Request): string | null {
    return req.user?.id ?? null;
  }
}
