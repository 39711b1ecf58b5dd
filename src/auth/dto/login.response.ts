import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserResponse } from '../../users/dto/user.response';

export class LoginResponse {
  @ApiProperty({ type: UserResponse })
  user: UserResponse;

  @ApiPropertyOptional({ description: 'jwt and both modes' })
  accessToken?: string;

  @ApiPropertyOptional({ description: 'jwt and both modes' })
  refreshToken?: string;

  @ApiPropertyOptional({ enum: ['Bearer'], description: 'jwt and both modes' })
  tokenType?: 'Bearer';

  @ApiPropertyOptional({ description: 'Access token lifetime in seconds (jwt and both modes)' })
  expiresIn?: number;
}
