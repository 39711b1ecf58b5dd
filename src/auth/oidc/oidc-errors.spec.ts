import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { errors } from 'openid-client';
import { providerFailure } from './oidc-errors';

/**
 * The mapping of what openid-client throws. The e2e suite (test/oidc.e2e-spec.ts) meets most of
 * these against a real provider; a nonce mismatch needs a provider that misbehaves, so the
 * error openid-client raises for one is built here as openid-client builds it.
 */
describe('providerFailure', () => {
  const response = (statusCode: number) => ({ statusCode }) as IncomingMessage;

  it('turns a nonce mismatch into a 400 that says so', () => {
    const failure = providerFailure(new errors.RPError({ printf: ['nonce mismatch, expected %s, got: %s', 'a', 'b'] }));
    expect(failure).toBeInstanceOf(BadRequestException);
    expect((failure as BadRequestException).message).toBe(
      "The identity provider's response is not valid: nonce mismatch",
    );
  });

  it('turns a code used twice (invalid_grant) into a 400', () => {
    const failure = providerFailure(new errors.OPError({ error: 'invalid_grant' }, response(400)));
    expect(failure).toBeInstanceOf(BadRequestException);
    expect((failure as BadRequestException).message).toMatch(/authorization code is invalid, expired or already used/);
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a timeout', new errors.RPError('outgoing request timed out after 3500ms')],
    ['a 5xx from the provider', new errors.OPError({ error: 'server_error' }, response(502))],
  ])('turns %s into a 503', (_label, error) => {
    expect(providerFailure(error)).toBeInstanceOf(ServiceUnavailableException);
  });

  it('leaves any other error alone (a 500, logged)', () => {
    const bug = new TypeError('x is undefined');
    expect(providerFailure(bug)).toBe(bug);
  });
});
