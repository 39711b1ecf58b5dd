import { ApiProperty } from '@nestjs/swagger';
import { IsJWT, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh; it stops working now' })
  @IsString()
  @MaxLength(4096)
  @IsJWT()
  refreshToken: string;
}
