import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { Role, ROLES } from '../../users/domain/user';

/** `PUT /admin/users/:id/roles`: the account's roles from now on (`user` is always kept). */
export class SetRolesDto {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['user', 'admin'] })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];
}
