import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES, User } from '../domain/user';

/** The public `User` shape of API.md: never the password hash. */
export class UserResponse {
  @ApiProperty({ example: '665f1c2b9d3e4a0012345678', pattern: '^[0-9a-f]{24}$' })
  id: string;

  @ApiProperty({ example: 'ann@example.com' })
  email: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ann' })
  name: string | null;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['user'], description: 'Always holds `user`' })
  roles: Role[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: Date;

  /** Copies field by field: spreading a User would carry passwordHash along. */
  static from(user: User, response = new UserResponse()): UserResponse {
    response.id = user.id;
    response.email = user.email;
    response.name = user.name;
    response.roles = [...user.roles];
    response.createdAt = user.createdAt;
    return response;
  }
}
