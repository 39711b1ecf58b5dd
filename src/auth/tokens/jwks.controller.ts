import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../decorators/public.decorator';
import { JwtKeys, PublicJwk } from './jwt-keys';

/** Public keys for other services to verify our tokens (RS256 and ES256 only). */
@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: JwtKeys) {}

  @Public()
  @Get('jwks.json')
  @ApiOkResponse({ description: 'JSON Web Key Set: the current and still-valid previous public keys' })
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.jwks };
  }
}
