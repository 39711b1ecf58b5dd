import { ForbiddenException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { AppConfig, loadConfig } from '../../config/config.schema';
import { CsrfService } from './csrf.service';

/** Just enough of Express for csrf-csrf: the cookie it sets is read back on the next request. */
function exchange(sessionId: string) {
  const cookies: Record<string, string> = {};
  const res = {
    cookie: (name: string, value: string) => {
      cookies[name] = value;
      return res;
    },
  } as unknown as Response;
  const request = (token?: string, id = sessionId) => {
    const headers: Record<string, string> = token === undefined ? {} : { 'x-csrf-token': token };
    return {
      method: 'POST',
      session: { id },
      cookies,
      headers,
      get: (name: string) => headers[name.toLowerCase()],
    } as unknown as Request;
  };
  return { res, request, cookies };
}

describe('CsrfService', () => {
  const config = loadConfig({});
  const csrf = new CsrfService({ get: (key: keyof AppConfig) => config[key] } as unknown as ConfigService<
    AppConfig,
    true
  >);

  it('accepts the token it issued for this session, sent back as X-CSRF-Token with its cookie', () => {
    const { res, request } = exchange('session-a');
    const token = csrf.issueToken(request(), res);
    expect(() => csrf.assertValid(request(token))).not.toThrow();
  });

  it.each([
    ['without the header', () => [undefined, 'session-a'] as const],
    ['with a garbage token', () => ['garbage', 'session-a'] as const],
    ['for another session (the one before login, say)', (token: string) => [token, 'session-b'] as const],
  ])('refuses a request %s with 403', (_label, variant) => {
    const { res, request } = exchange('session-a');
    const token = csrf.issueToken(request(), res);
    const [sent, session] = variant(token);
    expect(() => csrf.assertValid(request(sent, session))).toThrow(ForbiddenException);
  });

  it('refuses a token without its cookie', () => {
    const { res, request, cookies } = exchange('session-a');
    const token = csrf.issueToken(request(), res);
    for (const name of Object.keys(cookies)) delete cookies[name];
    expect(() => csrf.assertValid(request(token))).toThrow(ForbiddenException);
  });
});
