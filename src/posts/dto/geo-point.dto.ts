import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn } from 'class-validator';
import { IsLngLat } from './lng-lat.validator';

export class GeoPointDto {
  @ApiProperty({ enum: ['Point'], example: 'Point' })
  @IsIn(['Point'])
  type: 'Point';

  @ApiProperty({
    type: [Number],
    minItems: 2,
    maxItems: 2,
    example: [13.405, 52.52],
    description: '[lng, lat]: lng in [-180, 180], lat in [-90, 90]',
  })
  // Says "required" when absent (src/common/validation.ts), which a custom check alone cannot.
  @IsDefined()
  @IsLngLat()
  coordinates: [number, number];
}
