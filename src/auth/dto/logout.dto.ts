import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsJWT, IsOptional, IsString, MaxLength } from 'class-validator';

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Revokes this refresh token family too (jwt and both modes)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @IsJWT()
  refreshToken?: string;
}
