import { UnauthorizedException } from '@nestjs/common';

/**
 * 401 for a bearer token that was presented and refused (malformed, forged, expired,
 * revoked): its WWW-Authenticate says `error="invalid_token"` (RFC 6750 §3.1).
 */
export class BearerTokenRefused extends UnauthorizedException {}
