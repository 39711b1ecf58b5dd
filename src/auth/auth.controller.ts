import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import type { User } from '../users/domain/user';
import { UserResponse } from '../users/dto/user.response';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { AuthenticatedUser } from './authenticated-user';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { LoginResponse } from './dto/login.response';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { LogoutDto } from './dto/logout.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { SessionIdParams } from './dto/session-id.params';
import { SessionResponse } from './dto/session.response';
import { LocalAuthGuard, LoginUser } from './local/local-auth.guard';

/** The routes every AUTH_STRATEGY shares; mode-specific ones live in their own controllers. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: UserResponse })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  @ApiConflictResponse({ description: 'Email already registered' })
  @ApiTooManyRequestsResponse({ description: 'Too many registrations from this IP; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'Password hashing is saturated; see Retry-After' })
  async register(@Body() dto: RegisterDto, @Req() req: Request): Promise<UserResponse> {
    const user = await this.auth.register(dto, req.ip ?? 'unknown');
    this.audit.record('user.registered', req, { userId: user.id });
    return UserResponse.from(user);
  }

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: LoginResponse,
    description: 'Sets the session cookie and/or returns tokens, per AUTH_STRATEGY',
  })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  @ApiUnauthorizedResponse({ description: 'Bad credentials (same body for unknown email and wrong password)' })
  @ApiForbiddenResponse({ description: 'Account is locked (said only after a right password)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts for this email or IP; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'Password hashing is saturated; see Retry-After' })
  async login(
    // The body was validated by LocalAuthGuard; declaring it documents it in OpenAPI.
    @Body() _dto: LoginDto,
    @LoginUser() user: User,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const credentials = await this.auth.issueCredentials(req, res, user, 'password');
    return { user: UserResponse.from(user), ...credentials };
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Session ended and/or refresh family revoked' })
  @ApiUnauthorizedResponse()
  async logout(@Body() dto: LogoutDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.endCredentials(req, res, dto.refreshToken);
  }

  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  @ApiUnauthorizedResponse()
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserResponse> {
    const user = await this.users.findById(caller.id);
    // Deleted since the credential was issued: the credential no longer proves anything.
    if (!user) throw new UnauthorizedException('Authentication required');
    return UserResponse.from(user);
  }

  @Get('sessions')
  @ApiOkResponse({ type: [SessionResponse], description: "The caller's cookie sessions and refresh families" })
  @ApiUnauthorizedResponse()
  listSessions(@CurrentUser() caller: AuthenticatedUser, @Req() req: Request): Promise<SessionResponse[]> {
    return this.auth.listSessions(caller.id, req);
  }

  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'That session or refresh family ended, on every instance' })
  @ApiNotFoundResponse({ description: "Unknown, or not the caller's" })
  @ApiUnauthorizedResponse()
  async endSession(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: SessionIdParams,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.endSession(caller.id, params.id, req, res);
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Every session and refresh family of the caller ended, this one included' })
  @ApiUnauthorizedResponse()
  async logoutAll(
    @CurrentUser() caller: AuthenticatedUser,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.endAllSessions(caller.id, req, res);
    this.audit.record('sessions.ended_all', req, { userId: caller.id });
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Password changed; every other session and refresh family ended' })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse()
  @ApiForbiddenResponse({ description: 'Wrong current password (or missing CSRF token)' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; see Retry-After' })
  async changePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.changePassword(caller.id, dto, req, res);
  }
}
