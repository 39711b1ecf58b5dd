import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../decorators/public.decorator';
import { RefreshDto } from '../dto/refresh.dto';
import { TokenPairResponse } from '../dto/token-pair.response';
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
  refresh(@Body() dto: RefreshDto, @Req() req: Request): Promise<TokenPairResponse> {
    return this.jwt.refresh(dto.refreshToken, req);
  }
}
