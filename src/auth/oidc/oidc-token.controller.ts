import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../decorators/public.decorator';
import { TokenPairResponse } from '../dto/token-pair.response';
import { OidcTokenDto } from './dto/oidc-token.dto';
import { OidcService } from './oidc.service';

/** The SSO route that exists only where tokens do (AUTH_STRATEGY jwt or both). */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcTokenController {
  constructor(private readonly oidc: OidcService) {}

  @Public()
  @Post('token')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairResponse, description: 'The token pair of the SSO login; the code works once' })
  @ApiBadRequestResponse({ description: 'Invalid body; unknown, expired (60 s) or already used code' })
  redeem(@Body() dto: OidcTokenDto): Promise<TokenPairResponse> {
    return this.oidc.redeemCode(dto.code);
  }
}
