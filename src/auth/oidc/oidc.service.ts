import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { generators, IdTokenClaims, TokenSet, UnknownObject, UserinfoResponse } from 'openid-client';
import { AuditService } from '../../audit/audit.service';
import type { AppConfig } from '../../config/config.schema';
import { redisKeys } from '../../redis/keys';
import { LinkedIdentity, normalizeEmail, User } from '../../users/domain/user';
import { UsersService } from '../../users/users.service';
import type { TokenPair } from '../auth-mechanism';
import { providerFailure } from './oidc-errors';
import { OidcIssuer } from './oidc-issuer';
import { OidcTicketStore } from './oidc-ticket.store';
import { LogoutTokenVerifier } from './logout-token.verifier';
import { SsoLogin, SsoLogins } from './sso-logins';

/** How long a user may take at the provider between GET /auth/oidc/login and the callback. */
const PENDING_LOGIN_TTL = 600;
/** How long the front end has to exchange the one-time code of the callback's redirect. */
const ONE_TIME_CODE_TTL = 60;

/** What the login route keeps server-side until the callback, under its `state`. */
interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** Hash of the value the browser that started the login holds in a cookie. */
  browser: string;
}

/** A login to start: where to send the browser, and what it must keep in a cookie until the callback. */
export interface StartedLogin {
  url: string;
  browserBinding: string;
}

/** A finished SSO login: who, where to, and the provider's session (for its back-channel logout). */
export interface OidcLogin {
  user: User;
  returnTo: string;
  providerSessionId?: string;
}

/** Tickets (and provider sessions) are stored under a hash: a leaked store holds no usable state or code. */
const hashOf = (value: string) => createHash('sha256').update(value).digest('base64url');
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Single sign-on with OpenID Connect, the authorization code flow with PKCE: builds the
 * provider's login URL, completes the callback (openid-client validates the ID token:
 * signature from the provider's keys, iss, aud, exp, nonce) and finds, links or creates the
 * user. Issuing credentials is AuthService's, exactly as after a password login.
 */
@Injectable()
export class OidcService {
  private readonly oidc: NonNullable<AppConfig['oidc']>;
  private readonly corsOrigins: ReadonlySet<string>;
  /** The longest a session or refresh family can live: how long an SSO login is worth remembering. */
  private readonly loginTtl: number;

  constructor(
    private readonly issuer: OidcIssuer,
    private readonly tickets: OidcTicketStore,
    private readonly logins: SsoLogins,
    private readonly logoutTokens: LogoutTokenVerifier,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.oidc = config.get('oidc', { infer: true })!;
    this.corsOrigins = new Set(config.get('corsOrigins', { infer: true }));
    this.loginTtl = Math.max(
      config.get('session', { infer: true }).absoluteTtl,
      config.get('jwt', { infer: true }).refreshAbsoluteTtl,
    );
  }

  /**
   * The provider's authorization URL for a new login that ends at `returnTo`, and the value that
   * binds the login to the browser that starts it: without it, a callback URL made by an attacker
   * (their own code and state) would log a victim's browser into the attacker's account.
   * @throws 400 for a `returnTo` that is neither a path nor on a listed origin, 503 while the provider is down.
   */
  async startLogin(returnTo = '/'): Promise<StartedLogin> {
    const target = this.returnTarget(returnTo);
    const client = await this.issuer.client();
    const state = generators.state();
    const browserBinding = randomBytes(32).toString('base64url');
    const pending: PendingLogin = {
      codeVerifier: generators.codeVerifier(),
      nonce: generators.nonce(),
      returnTo: target,
      browser: hashOf(browserBinding),
    };
    await this.tickets.put(redisKeys.oidcState(hashOf(state)), JSON.stringify(pending), PENDING_LOGIN_TTL);
    const url = client.authorizationUrl({
      scope: this.oidc.scopes.join(' '),
      redirect_uri: this.oidc.redirectUri,
      state,
      nonce: pending.nonce,
      code_challenge: generators.codeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, browserBinding };
  }

  /**
   * The provider's redirect back: the pending login of its `state` (taken: single use), the code
   * exchanged, the ID token validated, and the user found, linked or created.
   * `browserBinding`: the cookie value of the browser that brings the callback.
   * @throws 400 bad or replayed state, another browser, invalid response or code; 403 email domain
   *   not allowed; 409 the email belongs to an account and the provider did not verify it; 503 provider down.
   */
  async completeLogin(req: Request, browserBinding: string | undefined): Promise<OidcLogin> {
    const client = await this.issuer.client();
    const params = client.callbackParams(req);
    if (typeof params.state !== 'string' || params.state === '') throw new BadRequestException('state is missing');
    const stored = await this.tickets.take(redisKeys.oidcState(hashOf(params.state)));
    if (!stored) {
      throw new BadRequestException('Unknown, expired or already used state: start the sign-in again');
    }
    const pending = JSON.parse(stored) as PendingLogin;
    if (!browserBinding || !sameHash(hashOf(browserBinding), pending.browser)) {
      throw new BadRequestException('This sign-in was not started in this browser: start the sign-in again');
    }
    if (params.error) {
      throw new BadRequestException(
        `The identity provider refused the sign-in: ${params.error_description ?? params.error}`,
      );
    }
    let claims: IdTokenClaims & Partial<UserinfoResponse<UnknownObject>>;
    try {
      const tokens: TokenSet = await client.callback(this.oidc.redirectUri, params, {
        state: params.state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
        response_type: 'code',
      });
      claims = tokens.claims();
      // Providers may keep the email out of the ID token (scope claims go to userinfo);
      // openid-client checks that userinfo speaks of the same `sub`.
      if (claims.email === undefined && tokens.access_token) claims = { ...(await client.userinfo(tokens)), ...claims };
    } catch (error) {
      throw providerFailure(error);
    }
    const identity = { issuer: claims.iss, subject: claims.sub };
    const user = await this.findOrCreate(identity, claims, req);
    return {
      user,
      returnTo: pending.returnTo,
      providerSessionId: typeof claims.sid === 'string' ? claims.sid : undefined,
    };
  }

  /** Remembers what an SSO login issued (handles), under the provider session it came from, for its back-channel logout. */
  recordLogin(login: OidcLogin, issued: string[]): Promise<void> {
    const providerSession = login.providerSessionId ? this.providerSessionKey(login.providerSessionId) : null;
    return this.logins.record(login.user.id, providerSession, issued, this.loginTtl);
  }

  /**
   * The sessions and families a back-channel logout token ends: those of its provider session
   * (`sid`) or, without one, every SSO login of the account its `sub` names. Each is forgotten
   * here, ended by the caller.
   * @throws 400 for an invalid logout token.
   */
  async loginsToEnd(logoutToken: string): Promise<SsoLogin[]> {
    const { sid, sub } = await this.logoutTokens.verify(logoutToken);
    if (sid) return this.logins.takeByProviderSession(this.providerSessionKey(sid));
    const user = await this.users.findByIdentity({
      issuer: (await this.issuer.client()).issuer.metadata.issuer,
      subject: sub!,
    });
    return user ? this.logins.takeByUser(user.id) : [];
  }

  /**
   * Where GET /auth/oidc/logout sends the browser: the provider's end-session endpoint (RP-initiated
   * logout) when it has one, else `returnTo`; `returnTo` too while the provider is down: the
   * local logout happens either way.
   * @throws 400 for a `returnTo` that is neither a path nor on a listed origin.
   */
  async logoutRedirect(returnTo = '/'): Promise<string> {
    const target = this.returnTarget(returnTo);
    try {
      const client = await this.issuer.client();
      return client.issuer.metadata.end_session_endpoint ? client.endSessionUrl() : target;
    } catch {
      return target;
    }
  }

  /** Keeps a token pair for the front end behind a one-time code, which goes into the redirect's fragment. */
  async holdTokens(pair: Partial<TokenPair>): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.tickets.put(redisKeys.oidcCode(hashOf(code)), JSON.stringify(pair), ONE_TIME_CODE_TTL);
    return code;
  }

  /** @throws 400 for a code that is unknown, expired or already used (OAuth's invalid_grant is a 400 too). */
  async redeemCode(code: string): Promise<TokenPair> {
    const stored = await this.tickets.take(redisKeys.oidcCode(hashOf(code)));
    if (!stored) throw new BadRequestException('Unknown, expired or already used code: sign in again');
    return JSON.parse(stored) as TokenPair;
  }

  /**
   * A linked identity logs in; otherwise an account with the same email is linked only if the
   * provider verified that email (never a silent takeover); otherwise a new user without a
   * password, if OIDC_ALLOWED_EMAIL_DOMAINS lets that email sign up.
   */
  private async findOrCreate(identity: LinkedIdentity, claims: UnknownObject, req: Request): Promise<User> {
    const linked = await this.users.findByIdentity(identity);
    if (linked) return linked;
    if (typeof claims.email !== 'string' || claims.email === '') {
      throw new BadRequestException('The identity provider did not share an email address (scope email)');
    }
    const email = normalizeEmail(claims.email);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      if (claims.email_verified !== true) {
        throw new ConflictException(
          'An account with this email exists and the identity provider has not verified the email: log in with the password',
        );
      }
      await this.users.linkIdentity(existing.id, identity);
      return existing;
    }
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const allowed = this.oidc.allowedEmailDomains;
    if (allowed.length > 0 && !allowed.includes(domain)) {
      throw new ForbiddenException('Sign-up through single sign-on is not open to this email domain');
    }
    const name = typeof claims.name === 'string' ? claims.name : null;
    const user = await this.users.create({ email, name, passwordHash: null, identities: [identity] });
    this.audit.record('user.registered', req, { userId: user.id }, { method: 'oidc' });
    return user;
  }

  /**
   * `returnTo` is a path on this site or a URL on an origin of CORS_ORIGINS: anything else
   * would make the callback an open redirect. The fragment is dropped: the callback writes its own.
   * @throws 400
   */
  returnTarget(returnTo: string): string {
    const refused = new BadRequestException('returnTo must be a path or a URL on an origin listed in CORS_ORIGINS');
    // `//host` and `/\host` are absolute to a browser.
    if (returnTo.startsWith('/') && !/^\/[/\\]/.test(returnTo)) {
      const url = new URL(returnTo, 'http://path.invalid');
      if (url.origin !== 'http://path.invalid') throw refused;
      return `${url.pathname}${url.search}`;
    }
    let url: URL;
    try {
      url = new URL(returnTo);
    } catch {
      throw refused;
    }
    if (!this.corsOrigins.has(url.origin)) throw refused;
    return `${url.origin}${url.pathname}${url.search}`;
  }

  /** A provider session is named by its issuer and `sid`. */
  private providerSessionKey(sid: string): string {
    return hashOf(`${this.oidc.issuerUrl}\n${sid}`);
  }
}
