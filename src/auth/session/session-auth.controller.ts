import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../decorators/public.decorator';
import { CsrfTokenResponse } from '../dto/csrf-token.response';
import { CsrfService } from './csrf.service';

/** Routes that exist only where cookie sessions do (AUTH_STRATEGY session or both). */
@ApiTags('auth')
@Controller('auth')
export class SessionAuthController {
  constructor(private readonly csrf: CsrfService) {}

  @Public()
  @Get('csrf')
  @ApiOkResponse({
    type: CsrfTokenResponse,
    description: 'A token bound to the current session: fetch it after login, send it as X-CSRF-Token',
  })
  csrfToken(@Req() req: Request, @Res({ passthrough: true }) res: Response): CsrfTokenResponse {
    return { csrfToken: this.csrf.issueToken(req, res) };
  }
}
