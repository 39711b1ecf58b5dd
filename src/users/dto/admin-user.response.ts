import { ApiProperty } from '@nestjs/swagger';
import { User } from '../domain/user';
import { UserResponse } from './user.response';

/** A `User` as the admin listing shows it: with whether, and since when, it is locked. */
export class AdminUserResponse extends UserResponse {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null unless locked' })
  lockedAt: Date | null;

  static fromUser(user: User): AdminUserResponse {
    const response = UserResponse.from(user, new AdminUserResponse()) as AdminUserResponse;
    response.lockedAt = user.lockedAt;
    return response;
  }
}
