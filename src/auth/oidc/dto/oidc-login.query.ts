import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class OidcLoginQuery {
  @ApiPropertyOptional({
    description: 'Where the browser lands after the sign-in: a path, or a URL on an origin listed in CORS_ORIGINS',
    example: '/',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}
