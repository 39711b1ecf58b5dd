import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import type { AuditService } from '../../audit/audit.service';
import { AppConfig, loadConfig } from '../../config/config.schema';
import { BearerTokenRefused } from './bearer-token-refused.exception';
import { JwtKeys } from './jwt-keys';
import { JwtMechanism } from './jwt.mechanism';
import { MemoryTokenStore } from './memory-token.store';
import { TokenService } from './token.service';

describe('JwtMechanism.authenticate', () => {
  const config = loadConfig({ AUTH_STRATEGY: 'jwt' });
  const configService = { get: (key: keyof AppConfig) => config[key] } as unknown as ConfigService<AppConfig, true>;
  const tokens = new TokenService(new JwtService(JwtKeys.load(config.jwt).moduleOptions(config.jwt)), configService);
  const store = new MemoryTokenStore();
  const mechanism = new JwtMechanism(
    tokens,
    store,
    { record: () => undefined } as unknown as AuditService,
    configService,
  );
  const request = (authorization?: string) => ({ headers: { authorization } }) as unknown as Request;
  const access = tokens.signAccess('user-1', 'family-1', ['user']);

  it('knows nothing of a request without Authorization, or with another scheme', async () => {
    await expect(mechanism.authenticate(request())).resolves.toBeNull();
    await expect(mechanism.authenticate(request('Basic dXNlcjpwYXNz'))).resolves.toBeNull();
    await expect(mechanism.authenticate(request('Bearerish x'))).resolves.toBeNull();
  });

  it('takes the caller and its roles from a valid token, whatever the case of the scheme', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      await expect(mechanism.authenticate(request(`${scheme} ${access.token}`))).resolves.toEqual({
        id: 'user-1',
        credential: 'bearer',
        roles: ['user'],
      });
    }
  });

  it.each([
    ['no token', 'Bearer'],
    ['an empty token', 'Bearer '],
    ['two tokens', `Bearer ${access.token} ${access.token}`],
    ['a tab inside', `Bearer\t${access.token}`],
    ['a tampered token', `Bearer ${access.token.slice(0, -2)}xx`],
    ['a refresh token', `Bearer ${tokens.signRefresh('user-1', 'family-1', ['user']).token}`],
  ])('fails closed on %s: a refused bearer, never "no credential"', async (_label, header) => {
    await expect(mechanism.authenticate(request(header))).rejects.toBeInstanceOf(BearerTokenRefused);
  });

  it('refuses a token that was revoked, or whose family was', async () => {
    const own = tokens.signAccess('user-2', 'family-2', ['user']);
    await store.denyAccessToken('user-2', own.claims.jti, 60);
    await expect(mechanism.authenticate(request(`Bearer ${own.token}`))).rejects.toBeInstanceOf(BearerTokenRefused);
    const sibling = tokens.signAccess('user-3', 'family-3', ['user']);
    await store.revokeFamily({ userId: 'user-3', familyId: 'family-3' }, 60);
    await expect(mechanism.authenticate(request(`Bearer ${sibling.token}`))).rejects.toBeInstanceOf(BearerTokenRefused);
  });
});
