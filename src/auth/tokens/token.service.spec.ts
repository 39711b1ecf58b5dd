import { UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { hmacSigner, forgeJwt, noSignature, tokenClaims, decodeJwt } from '../../../test/support/jwt';
import { AppConfig, DEV_JWT_SECRET, loadConfig } from '../../config/config.schema';
import { JwtKeys } from './jwt-keys';
import { ACCESS_TYP, REFRESH_TYP, TokenService } from './token.service';

function tokenService(env: Record<string, string> = {}): { tokens: TokenService; config: AppConfig } {
  const config = loadConfig(env);
  const keys = JwtKeys.load(config.jwt);
  const tokens = new TokenService(new JwtService(keys.moduleOptions(config.jwt)), {
    get: () => config.jwt,
  } as unknown as ConfigService<AppConfig, true>);
  return { tokens, config };
}

describe('TokenService', () => {
  const { tokens, config } = tokenService();
  const forge = (
    header: Record<string, unknown>,
    claims: Record<string, unknown>,
    signer = hmacSigner(DEV_JWT_SECRET),
  ) => forgeJwt({ alg: 'HS256', ...header }, claims, signer);

  it('signs access and refresh tokens it verifies, with distinct types and no personal data', () => {
    const access = tokens.signAccess('user-1', 'family-1', ['user']);
    const refresh = tokens.signRefresh('user-1', 'family-1', ['user']);
    expect(tokens.verifyAccess(access.token)).toEqual(access.claims);
    expect(tokens.verifyRefresh(refresh.token)).toEqual(refresh.claims);
    expect(decodeJwt(access.token).header).toEqual({ alg: 'HS256', typ: ACCESS_TYP });
    expect(decodeJwt(refresh.token).header).toEqual({ alg: 'HS256', typ: REFRESH_TYP });
    expect(Object.keys(decodeJwt(access.token).payload).sort()).toEqual([
      'aud',
      'exp',
      'fam',
      'iat',
      'iss',
      'jti',
      'roles',
      'sub',
    ]);
  });

  it('carries the roles in both kinds, so that checking them costs no lookup', () => {
    const access = tokens.signAccess('u', 'f', ['user', 'admin']);
    const refresh = tokens.signRefresh('u', 'f', ['user', 'admin']);
    expect(tokens.verifyAccess(access.token).roles).toEqual(['user', 'admin']);
    expect(tokens.verifyRefresh(refresh.token).roles).toEqual(['user', 'admin']);
  });

  it('reads a token without a roles claim, or with unknown roles, as having none of them', () => {
    const withoutRoles = tokenClaims('u', config);
    expect(tokens.verifyAccess(forge({ typ: ACCESS_TYP }, withoutRoles)).roles).toEqual([]);
    expect(
      tokens.verifyAccess(forge({ typ: ACCESS_TYP }, { ...withoutRoles, roles: ['root', 'admin'] })).roles,
    ).toEqual(['admin']);
  });

  it('never takes one kind for the other', () => {
    expect(() => tokens.verifyAccess(tokens.signRefresh('u', 'f', ['user']).token)).toThrow('Invalid or expired token');
    expect(() => tokens.verifyRefresh(tokens.signAccess('u', 'f', ['user']).token)).toThrow('Invalid or expired token');
  });

  it.each([
    ['alg none', () => forge({ alg: 'none', typ: ACCESS_TYP }, tokenClaims('u', config), noSignature)],
    [
      'HS512',
      () => forge({ alg: 'HS512', typ: ACCESS_TYP }, tokenClaims('u', config), hmacSigner(DEV_JWT_SECRET, 'sha512')),
    ],
    ['another secret', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config), hmacSigner('x'.repeat(40)))],
    ['another issuer', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config, { iss: 'someone-else' }))],
    ['another audience', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config, { aud: 'someone-else' }))],
    ['expired', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config, { exp: Math.floor(Date.now() / 1000) - 1 }))],
    ['no exp', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config, { exp: undefined }))],
    ['no fam', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config, { fam: undefined }))],
    ['a numeric sub', () => forge({ typ: ACCESS_TYP }, tokenClaims('u', config, { sub: 42 }))],
    ['no typ', () => forge({}, tokenClaims('u', config))],
    ['garbage', () => 'not.a.token'],
  ])('refuses %s with 401', (_label, token) => {
    expect(() => tokens.verifyAccess(token())).toThrow(UnauthorizedException);
  });

  it('accepts a token forged with the right key and claims (the checks above are what refuses)', () => {
    expect(tokens.verifyAccess(forge({ typ: ACCESS_TYP }, tokenClaims('u', config))).sub).toBe('u');
  });

  it("caps a refresh token's life at its family's hard end (JWT_REFRESH_ABSOLUTE_TTL)", () => {
    const { tokens: capped } = tokenService({ JWT_REFRESH_ABSOLUTE_TTL: '60' });
    const now = Math.floor(Date.now() / 1000);
    const first = capped.signRefresh('u', 'f', ['user']);
    expect(first.claims.fexp).toBeGreaterThanOrEqual(now + 60);
    expect(first.claims.fexp).toBeLessThanOrEqual(now + 61);
    expect(first.claims.exp).toBe(first.claims.fexp);
    // Rotations keep the family's end, whatever JWT_REFRESH_TTL would allow.
    const rotated = capped.signRefresh('u', 'f', ['user'], first.claims.fexp);
    expect(rotated.claims.exp).toBe(first.claims.fexp);
    expect(capped.verifyRefresh(rotated.token).fexp).toBe(first.claims.fexp);
    // A refresh token without its family's end is not one of ours.
    expect(() => capped.verifyRefresh(forge({ typ: REFRESH_TYP }, tokenClaims('u', config)))).toThrow(
      'Invalid or expired token',
    );
  });

  describe('access tokens it has verified before (VerifiedTokens)', () => {
    afterEach(() => jest.useRealTimers());

    it('answers the same claims again, frozen, and still refuses the token once it expires', () => {
      const { tokens: remembering } = tokenService({ JWT_ACCESS_TTL: '60' });
      jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
      const { token, claims } = remembering.signAccess('u', 'f', ['user', 'admin']);
      const first = remembering.verifyAccess(token);
      expect(first).toEqual(claims);
      expect(remembering.verifyAccess(token)).toBe(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
      jest.setSystemTime((claims.exp - 1) * 1000);
      expect(remembering.verifyAccess(token)).toBe(first);
      jest.setSystemTime(claims.exp * 1000); // jsonwebtoken's rule: expired from exp on
      expect(() => remembering.verifyAccess(token)).toThrow('Invalid or expired token');
    });

    it('never takes a token that differs from a verified one in any byte for it', () => {
      const { token } = tokens.signAccess('u', 'f', ['user']);
      tokens.verifyAccess(token);
      const [header, payload, signature] = token.split('.');
      const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      expect(() => tokens.verifyAccess(`${header}.${payload}.${flipped}`)).toThrow('Invalid or expired token');
      const admin = Buffer.from(JSON.stringify({ ...decodeJwt(token).payload, roles: ['user', 'admin'] })).toString(
        'base64url',
      );
      expect(() => tokens.verifyAccess(`${header}.${admin}.${signature}`)).toThrow('Invalid or expired token');
    });
  });
});
