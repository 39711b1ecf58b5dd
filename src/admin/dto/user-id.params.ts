import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId } from 'class-validator';

/** `:id` of an /admin/users route: a malformed id is a 400, never a 404 or a 500. */
export class UserIdParams {
  @ApiProperty({ pattern: '^[0-9a-fA-F]{24}$', example: '665f1c2b9d3e4a0012345678' })
  @IsMongoId()
  id: string;
}
