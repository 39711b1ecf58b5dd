import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditEventResponse } from '../audit/dto/audit-event.response';
import { AuditService } from '../audit/audit.service';
import { Roles } from '../auth/decorators/roles.decorator';
import { SessionResponse } from '../auth/dto/session.response';
import { AdminUserResponse } from '../users/dto/admin-user.response';
import { UserResponse } from '../users/dto/user.response';
import { AdminService } from './admin.service';
import { ListAuditQueryDto } from './dto/list-audit.query.dto';
import { ListUsersQueryDto } from './dto/list-users.query.dto';
import { SetRolesDto } from './dto/set-roles.dto';
import { UserIdParams } from './dto/user-id.params';
import { UserSessionParams } from './dto/user-session.params';

/** Admin control of accounts, their sessions, and the audit trail (API.md); CSRF as usual for cookie callers. */
@ApiTags('admin')
@Roles('admin')
@ApiUnauthorizedResponse()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly audit: AuditService,
  ) {}

  @Get('users')
  @ApiOkResponse({ type: [AdminUserResponse], description: 'Newest first' })
  @ApiBadRequestResponse()
  async listUsers(@Query() query: ListUsersQueryDto): Promise<AdminUserResponse[]> {
    return (await this.admin.listUsers(query)).map((user) => AdminUserResponse.fromUser(user));
  }

  @Get('users/:id/sessions')
  @ApiOkResponse({ type: [SessionResponse], description: "The user's cookie sessions and refresh families" })
  @ApiNotFoundResponse({ description: 'No such user' })
  listSessions(@Param() { id }: UserIdParams, @Req() req: Request): Promise<SessionResponse[]> {
    return this.admin.listSessions(id, req);
  }

  @Delete('users/:id/sessions/:sessionId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'That session or refresh family ended, on every instance' })
  @ApiNotFoundResponse({ description: 'No such user, or no such session of theirs' })
  async endSession(
    @Param() { id, sessionId }: UserSessionParams,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.admin.endSession(id, sessionId, req, res);
  }

  @Post('users/:id/logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Every session and refresh family of the user ended' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async logoutAll(
    @Param() { id }: UserIdParams,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.admin.logoutAll(id, req, res);
  }

  @Post('users/:id/lock')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Locked: cannot log in; every session and refresh family ended' })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'An admin cannot lock themselves' })
  async lock(
    @Param() { id }: UserIdParams,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.admin.lock(id, req, res);
  }

  @Post('users/:id/unlock')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Unlocked: can log in again' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async unlock(@Param() { id }: UserIdParams, @Req() req: Request): Promise<void> {
    await this.admin.unlock(id, req);
  }

  @Put('users/:id/roles')
  @ApiOkResponse({ type: UserResponse, description: 'Roles set; every session and refresh family of the user ended' })
  @ApiBadRequestResponse()
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'An admin cannot remove their own admin role' })
  async setRoles(
    @Param() { id }: UserIdParams,
    @Body() dto: SetRolesDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.admin.setRoles(id, dto.roles, req, res));
  }

  @Get('audit')
  @ApiOkResponse({ type: [AuditEventResponse], description: 'Newest first' })
  @ApiBadRequestResponse()
  async listAudit(@Query() query: ListAuditQueryDto): Promise<AuditEventResponse[]> {
    return (await this.audit.listNewest(query)).map((event) => AuditEventResponse.from(event));
  }
}
