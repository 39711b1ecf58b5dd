import type { HttpException } from '@nestjs/common';
import { BearerTokenRefused } from './tokens/bearer-token-refused.exception';

/** DI token, provided in `jwt` and `both` modes: 401 answers then carry a bearer challenge. */
export const BEARER_CHALLENGE = Symbol('BEARER_CHALLENGE');

/** WWW-Authenticate of a 401 (RFC 6750 §3): `invalid_token` when a presented bearer token was refused. */
export function bearerChallenge(exception: HttpException): string {
  return exception instanceof BearerTokenRefused ? 'Bearer error="invalid_token"' : 'Bearer';
}
