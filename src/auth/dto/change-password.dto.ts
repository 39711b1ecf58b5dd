import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 128)
  currentPassword: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  newPassword: string;
}

export class SessionIdParams {
  @ApiProperty({ description: 'A handle from GET /auth/sessions' })
  @IsString()
  @Length(1, 64)
  id: string;
}
