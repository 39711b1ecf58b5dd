import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class SessionIdParams {
  @ApiProperty({ description: 'A handle from GET /auth/sessions' })
  @IsString()
  @Length(1, 64)
  id: string;
}
