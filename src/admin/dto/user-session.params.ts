import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { UserIdParams } from './user-id.params';

/** `DELETE /admin/users/:id/sessions/:sessionId`. */
export class UserSessionParams extends UserIdParams {
  @ApiProperty({ description: 'A handle from GET /admin/users/:id/sessions' })
  @IsString()
  @Length(1, 64)
  sessionId: string;
}
