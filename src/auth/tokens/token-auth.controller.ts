import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../decorators/public.decorator';
import { RefreshDto, TokenPairResponse } from '../dto/refresh.dto';
import { JwtKeys, PublicJwk } from './jwt-keys';
import { JwtMechanism } from './jwt.mechanism';

/** Routes that exist only where tokens do (AUTH_STRATEGY jwt or both). */
@ApiTags('auth')
@Controller('auth')
export class TokenAuthController {
  constructor(private readonly jwt: JwtMechanism) {}

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairResponse, description: 'A new pair; the presented refresh token stops working' })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, revoked or reused refresh token (reuse ends the family)' })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairResponse> {
    return this.jwt.refresh(dto.refreshToken);
  }
}

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
