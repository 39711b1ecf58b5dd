import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsPositive, Max, Min } from 'class-validator';
import { LimitQueryDto } from './limit.query.dto';
import { ToNumber } from './query-number.transform';

export const DEFAULT_MAX_DISTANCE = 5000;
export const MAX_MAX_DISTANCE = 100000;

export class NearQueryDto extends LimitQueryDto {
  @ApiProperty({ type: Number, minimum: -180, maximum: 180, example: 13.405 })
  @ToNumber()
  @IsNumber()
  @Min(-180)
  @Max(180)
  lng: number;

  @ApiProperty({ type: Number, minimum: -90, maximum: 90, example: 52.52 })
  @ToNumber()
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat: number;

  @ApiPropertyOptional({
    type: Number,
    description: 'Metres',
    exclusiveMinimum: true,
    minimum: 0,
    maximum: MAX_MAX_DISTANCE,
    default: DEFAULT_MAX_DISTANCE,
  })
  @IsOptional()
  @ToNumber()
  @IsNumber()
  @IsPositive()
  @Max(MAX_MAX_DISTANCE)
  maxDistance: number = DEFAULT_MAX_DISTANCE;
}
