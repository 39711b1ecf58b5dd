import { Body, Controller, Get, HttpCode, HttpStatus, NotFoundException, Post, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';
import { AcceptsFormBody } from '../../common/require-json-body.guard';
import type { AppConfig } from '../../config/config.schema';
import { AuthService } from '../auth.service';
import { Public } from '../decorators/public.decorator';
import { baseCookieOptions } from '../session/session-cookie';
import { BackchannelLogoutDto } from './dto/backchannel-logout.dto';
import { OidcLoginQuery } from './dto/oidc-login.query';
import { OidcService } from './oidc.service';

/** The cookie that binds a login to the browser that started it, for the 10 minutes it may take. */
const LOGIN_COOKIE = 'oidc_login';
const LOGIN_COOKIE_MAX_AGE_MS = 600_000;

/** Single sign-on (OpenID Connect): the routes that exist whenever OIDC_ISSUER_URL is set. */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  private readonly loginCookie: { name: string; options: CookieOptions };

  constructor(
    private readonly oidc: OidcService,
    private readonly auth: AuthService,
    config: ConfigService<AppConfig, true>,
  ) {
    const cookie = config.get('cookie', { infer: true });
    // Lax whatever COOKIE_SAMESITE says: the provider's redirect back is a cross-site navigation.
    this.loginCookie = {
      name: `${cookie.prefix}${LOGIN_COOKIE}`,
      options: { ...baseCookieOptions(cookie), sameSite: 'lax' },
    };
  }

  @Public()
  @Get('login')
  @ApiFoundResponse({ description: "To the provider's authorization endpoint (code flow, PKCE S256, state, nonce)" })
  @ApiBadRequestResponse({ description: 'returnTo is neither a path nor on an origin listed in CORS_ORIGINS' })
  @ApiServiceUnavailableResponse({ description: 'The identity provider is unavailable' })
  async login(@Query() query: OidcLoginQuery, @Res() res: Response): Promise<void> {
    const { url, browserBinding } = await this.oidc.startLogin(query.returnTo);
    res.cookie(this.loginCookie.name, browserBinding, { ...this.loginCookie.options, maxAge: LOGIN_COOKIE_MAX_AGE_MS });
    res.redirect(302, url);
  }

  /**
   * The provider's redirect back. Credentials are issued by AuthService, as after a password
   * login; tokens never travel in a URL: the fragment carries a one-time code for POST /auth/oidc/token.
   */
  @Public()
  @Get('callback')
  @ApiQuery({ name: 'code', required: false, description: "The provider's authorization code" })
  @ApiQuery({ name: 'state', required: true })
  @ApiFoundResponse({
    description: 'To returnTo: with the session cookie (session, both) and/or `#code=<one-time code>` (jwt, both)',
  })
  @ApiBadRequestResponse({
    description: 'Bad or replayed state, started in another browser, nonce mismatch, a code used twice',
  })
  @ApiForbiddenResponse({ description: 'Sign-up is not open to the email domain (OIDC_ALLOWED_EMAIL_DOMAINS)' })
  @ApiConflictResponse({ description: 'An account has this email and the provider did not verify it' })
  @ApiServiceUnavailableResponse({ description: 'The identity provider is unavailable' })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const login = await this.oidc.completeLogin(req, cookieValue(req, this.loginCookie.name));
    res.clearCookie(this.loginCookie.name, this.loginCookie.options);
    const issued: string[] = [];
    const user = await this.auth.admit(login.user, req, 'oidc');
    const credentials = await this.auth.issueCredentials(req, res, user, 'oidc', issued);
    await this.oidc.recordLogin(login, issued);
    const fragment = credentials.accessToken ? `#code=${await this.oidc.holdTokens(credentials)}` : '';
    res.redirect(302, `${login.returnTo}${fragment}`);
  }

  @Get('logout')
  @ApiFoundResponse({ description: "Credential ended; to the provider's end-session endpoint, or returnTo" })
  @ApiBadRequestResponse({ description: 'returnTo is neither a path nor on an origin listed in CORS_ORIGINS' })
  @ApiUnauthorizedResponse()
  async logout(@Query() query: OidcLoginQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const target = await this.oidc.logoutRedirect(query.returnTo);
    await this.auth.endCredentials(req, res);
    res.redirect(302, target);
  }

  /**
   * The provider tells that a user logged out there: every session and family that came from
   * that provider session (or, without `sid`, from that account's SSO logins) ends now; with
   * JWT_REVOCATION=denylist their access tokens too.
   */
  @Public()
  @Post('backchannel-logout')
  @HttpCode(HttpStatus.OK)
  @AcceptsFormBody()
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Every session and family from that provider session (sid) or user ended' })
  @ApiBadRequestResponse({ description: 'Invalid logout token' })
  async backchannelLogout(@Body() dto: BackchannelLogoutDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    for (const { userId, handle } of await this.oidc.loginsToEnd(dto.logout_token)) {
      // Ended meanwhile (logout, expiry, an admin) is as good as ended now.
      await this.auth.endSession(userId, handle, req, res).catch((error: unknown) => {
        if (!(error instanceof NotFoundException)) throw error;
      });
    }
    res.status(200).end();
  }
}

/** One cookie of the request, read from the header (no middleware parses cookies for every request). */
function cookieValue(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
