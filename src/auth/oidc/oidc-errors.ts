import { BadRequestException, HttpException, ServiceUnavailableException } from '@nestjs/common';
import { errors } from 'openid-client';
import { PROVIDER_DOWN } from './oidc-issuer';

/**
 * What openid-client throws while talking to the provider, as the answer the user can act on;
 * anything else unchanged (a 500, logged with its stack).
 */
export function providerFailure(error: unknown): unknown {
  if (error instanceof HttpException) return error;
  const status = (error as { response?: { statusCode?: number } }).response?.statusCode;
  // Unreachable, timed out, or failing on its side: the provider is down, not the request wrong.
  if (isNetworkError(error) || (status !== undefined && status >= 500)) {
    return new ServiceUnavailableException(PROVIDER_DOWN);
  }
  if (error instanceof errors.OPError) {
    return new BadRequestException(
      error.error === 'invalid_grant'
        ? 'The authorization code is invalid, expired or already used: sign in again'
        : `The identity provider refused the sign-in: ${error.error_description ?? error.error}`,
    );
  }
  if (error instanceof errors.RPError) {
    // The ID token or response failed validation (nonce, iss, aud, signature, expiry).
    const reason = /nonce mismatch/.test(error.message) ? 'nonce mismatch' : error.message;
    return new BadRequestException(`The identity provider's response is not valid: ${reason}`);
  }
  return error;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return error instanceof errors.RPError && error.message.startsWith('outgoing request timed out');
}
