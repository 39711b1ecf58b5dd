import { BadRequestException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createRemoteJWKSet, JWTPayload, jwtVerify } from 'jose';
import type { AppConfig } from '../../config/config.schema';
import { redisKeys } from '../../redis/keys';
import { OidcIssuer } from './oidc-issuer';
import { OidcTicketStore } from './oidc-ticket.store';

/** The event claim that makes a JWT a logout token (OpenID Connect Back-Channel Logout 1.0, §2.4). */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** How old a logout token may be (its `iat`): the provider sends it as the logout happens. */
const MAX_TOKEN_AGE_SECONDS = 300;

/** What a valid logout token asks to end: one provider session, or every SSO login of one account. */
export interface LogoutRequest {
  issuer: string;
  sid?: string;
  sub?: string;
}

/**
 * Verifies a back-channel logout token as §2.6 of the specification says: signed by a key of
 * the provider's JWKS (jose's remote key set, which refetches on an unknown key id), `iss` the
 * provider, `aud` this client, a recent `iat`, the logout event, a `sid` or a `sub`, and no
 * `nonce` (which would make it an ID token in disguise); and its `jti` not seen before while
 * such a token is accepted (§2.6, optional): a captured token cannot end the sessions of a later login.
 */
@Injectable()
export class LogoutTokenVerifier {
  private keys?: ReturnType<typeof createRemoteJWKSet>;
  private readonly clientId: string;

  constructor(
    private readonly issuer: OidcIssuer,
    private readonly tickets: OidcTicketStore,
    config: ConfigService<AppConfig, true>,
  ) {
    this.clientId = config.get('oidc', { infer: true })!.clientId;
  }

  /** @throws 400 for a token that is not a valid logout token of this provider and client, 503 provider down. */
  async verify(token: string): Promise<LogoutRequest> {
    const { metadata } = (await this.issuer.client()).issuer;
    this.keys ??= createRemoteJWKSet(new URL(metadata.jwks_uri!));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: metadata.issuer,
        audience: this.clientId,
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        requiredClaims: ['iat', 'jti'],
      }));
    } catch (error) {
      throw new BadRequestException(`Invalid logout token: ${(error as Error).message}`);
    }
    const events = payload.events as Record<string, unknown> | undefined;
    if (typeof events?.[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
      throw new BadRequestException('Invalid logout token: no back-channel logout event');
    }
    if (payload.nonce !== undefined) throw new BadRequestException('Invalid logout token: it carries a nonce');
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    if (!sid && !payload.sub) throw new BadRequestException('Invalid logout token: neither sid nor sub');
    if (!(await this.tickets.putNew(redisKeys.oidcLogoutToken(payload.jti!), '1', MAX_TOKEN_AGE_SECONDS))) {
      throw new BadRequestException('Invalid logout token: already used');
    }
    return { issuer: metadata.issuer, sid, sub: payload.sub };
  }
}
