import { ApiProperty } from '@nestjs/swagger';
import { IsJWT, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh; it stops working now' })
  @IsString()
  @MaxLength(4096)
  @IsJWT()
  refreshToken: string;
}

export class TokenPairResponse {
  @ApiProperty()
  accessToken: string;

  @ApiProperty()
  refreshToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Access token lifetime in seconds' })
  expiresIn: number;
}
