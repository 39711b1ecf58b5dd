import { randomBytes } from 'node:crypto';
import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { Session, SessionData, Store } from 'express-session';
import type { AppConfig } from '../../config/config.schema';
import type { User } from '../../users/domain/user';
import { UsersService } from '../../users/users.service';
import {
  AuthMechanism,
  LinkedCredentials,
  LoginContext,
  LogoutContext,
  MechanismDocs,
  TokenPair,
} from '../auth-mechanism';
import type { AuthenticatedUser } from '../authenticated-user';
import type { SessionResponse } from '../dto/session.response';
import { CSRF_HEADER, CsrfService } from './csrf.service';
import { baseCookieOptions } from './session-cookie';
import { isPastAbsoluteExpiry, keepAliveIntervalMs } from './session-data';
import { loadSessions } from './load-sessions';
import { SessionIndex } from './session-index';
import { SESSION_STORE } from './session.middleware';
import { storeCall } from './store-call';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** User agents are free text from the client: keep what identifies a device, no more. */
const MAX_USER_AGENT = 256;

/**
 * Cookie sessions. SessionMiddleware (express-session) has loaded the session; this
 * turns it into the caller, enforces the absolute expiry, extends the idle deadline,
 * and checks CSRF on unsafe requests. Like a token, the session carries the identity:
 * no user lookup on every request. The session holds the user id, its roles, its handle
 * and two timestamps; the per-user SessionIndex lets the user list and end sessions.
 */
@Injectable()
export class SessionMechanism extends AuthMechanism {
  private readonly idleTtl: number;
  private readonly absoluteTtl: number;
  private readonly keepAliveMs: number;
  private readonly corsOrigins: ReadonlySet<string>;
  readonly docs: MechanismDocs;

  constructor(
    private readonly users: UsersService,
    private readonly csrf: CsrfService,
    private readonly index: SessionIndex,
    @Inject(SESSION_STORE) private readonly store: Store,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    super();
    ({ idleTtl: this.idleTtl, absoluteTtl: this.absoluteTtl } = config.get('session', { infer: true }));
    this.keepAliveMs = keepAliveIntervalMs(this.idleTtl);
    this.corsOrigins = new Set(config.get('corsOrigins', { infer: true }));
    const { cookieName } = config.get('session', { infer: true });
    this.docs = {
      schemes: {
        cookie: { type: 'apiKey', in: 'cookie', name: cookieName },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description:
            'With the cookie, on POST, PATCH, PUT and DELETE: a token from GET /auth/csrf, fetched after login. ' +
            'Swagger UI fetches and sends it by itself.',
        },
      },
      requirement: { cookie: [] },
      unsafeRequirement: { cookie: [], csrf: [] },
      howTo:
        'The browser keeps the HttpOnly session cookie from the login response. On every POST, PATCH, PUT and ' +
        `DELETE this page fetches a CSRF token (\`GET /auth/csrf\`) and sends it as \`${CSRF_HEADER}\`.`,
    };
  }

  async authenticate(req: Request): Promise<AuthenticatedUser | null> {
    const session = req.session;
    const userId = session?.userId;
    if (typeof userId !== 'string') return null;
    if (isPastAbsoluteExpiry(session.authenticatedAt, this.absoluteTtl)) {
      await destroy(session);
      return null;
    }
    if (!(await this.keepAlive(session, userId))) return null;
    if (!SAFE_METHODS.has(req.method)) {
      this.assertSameSiteOrigin(req);
      this.csrf.assertValid(req);
    }
    return { id: userId, credential: 'cookie', roles: session.roles ?? [] };
  }

  async login({ req, user, linked, issued }: LoginContext): Promise<Partial<TokenPair>> {
    // A new id at login: an id that existed before (fixation) is worthless after it.
    await storeCall((done) => req.session.regenerate(done));
    const now = Date.now();
    const handle = randomBytes(12).toString('base64url');
    Object.assign(req.session, { userId: user.id, authenticatedAt: now, lastSeenAt: now, handle, roles: user.roles });
    if (linked.refreshFamily) req.session.refreshFamily = linked.refreshFamily;
    await storeCall((done) => req.session.save(done));
    await this.index.add(
      user.id,
      handle,
      {
        sid: req.sessionID,
        createdAt: now,
        userAgent: (req.get('user-agent') ?? '').slice(0, MAX_USER_AGENT),
        ip: req.ip ?? '',
      },
      this.absoluteTtl,
    );
    issued.push(handle);
    return {};
  }

  linkedTo(req: Request): LinkedCredentials {
    return { refreshFamily: req.session?.refreshFamily };
  }

  async logout({ req, res }: LogoutContext): Promise<void> {
    const { userId, handle } = req.session ?? {};
    if (typeof userId !== 'string') return;
    await destroy(req.session);
    if (handle) await this.index.remove(userId, [handle]);
    this.clearCookie(res);
  }

  async listSessions(userId: string, req: Request): Promise<SessionResponse[]> {
    const views: SessionResponse[] = [];
    const stale: string[] = [];
    const indexed = await this.index.list(userId);
    const live = await loadSessions(
      this.store,
      [...indexed.values()].map((entry) => entry.sid),
    );
    for (const [handle, entry] of indexed) {
      const session = live.get(entry.sid);
      if (!session || session.userId !== userId || session.handle !== handle) {
        stale.push(handle); // expired on its own, or ended elsewhere
        continue;
      }
      views.push({
        id: handle,
        kind: 'cookie',
        createdAt: new Date(entry.createdAt).toISOString(),
        lastSeenAt: new Date(session.lastSeenAt ?? entry.createdAt).toISOString(),
        userAgent: entry.userAgent,
        ip: entry.ip,
        current: entry.sid === req.sessionID,
      });
    }
    await this.index.remove(userId, stale);
    return views;
  }

  async endSession(userId: string, handle: string, req: Request, res: Response): Promise<boolean> {
    const entry = (await this.index.list(userId)).get(handle);
    if (!entry) return false;
    await this.end(entry.sid, req, res);
    await this.index.remove(userId, [handle]);
    return true;
  }

  async endAllSessions(userId: string, req: Request, res: Response, keepCurrent: boolean): Promise<void> {
    const ended: string[] = [];
    for (const [handle, entry] of await this.index.list(userId)) {
      if (keepCurrent && entry.sid === req.sessionID) continue;
      await this.end(entry.sid, req, res);
      ended.push(handle);
    }
    await this.index.remove(userId, ended);
  }

  /** A password change on this cookie session: it ends, and the caller gets a fresh one (a new id and handle). */
  async renew(req: Request, res: Response, user: User): Promise<void> {
    if (req.user?.credential !== 'cookie') return;
    const previous = req.session.handle;
    await this.login({ req, res, user, linked: {}, issued: [] });
    if (previous) await this.index.remove(user.id, [previous]);
  }

  /**
   * A browser says where an unsafe request comes from: another site than the API's own or a
   * listed front end is refused before the CSRF token is even looked at. A request that
   * says nothing (curl, a server) is judged by its CSRF token alone.
   * @throws 403
   */
  private assertSameSiteOrigin(req: Request): void {
    const origin = req.get('origin');
    const allowed =
      origin === undefined
        ? req.get('sec-fetch-site') !== 'cross-site'
        : origin === `${req.protocol}://${req.host}` || this.corsOrigins.has(origin);
    if (!allowed) throw new ForbiddenException('Cross-site request refused');
  }

  /**
   * Extends the idle deadline at most once per keep-alive interval: one store write, not
   * one per request. The account is re-checked at the same moment, so a deleted user's
   * sessions die within that interval without a user lookup on every request.
   * @returns false when the account no longer exists (the session is then destroyed).
   */
  private async keepAlive(session: Session & Partial<SessionData>, userId: string): Promise<boolean> {
    const now = Date.now();
    if (now - (session.lastSeenAt ?? 0) < this.keepAliveMs) return true;
    if (!(await this.users.findById(userId))) {
      await destroy(session);
      return false;
    }
    session.lastSeenAt = now;
    session.cookie.maxAge = this.idleTtl * 1000; // express-session saves it and re-sends the cookie
    return true;
  }

  /** Ends a session by id; the request's own through req.session, so nothing saves it back. */
  private async end(sid: string, req: Request, res: Response): Promise<void> {
    if (sid === req.sessionID && req.session) {
      await destroy(req.session);
      this.clearCookie(res);
    } else {
      await storeCall((done) => this.store.destroy(sid, done));
    }
  }

  private clearCookie(res: Response): void {
    const { cookieName } = this.config.get('session', { infer: true });
    res.clearCookie(cookieName, baseCookieOptions(this.config.get('cookie', { infer: true })));
  }
}

function destroy(session: Session): Promise<void> {
  return storeCall((done) => session.destroy(done));
}
