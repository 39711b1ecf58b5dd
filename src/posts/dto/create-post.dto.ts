import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { IsWellFormedText } from '../../common/text.validators';
import { GeoPointDto } from './geo-point.dto';

export const TEXT_MIN_LENGTH = 1;
export const TEXT_MAX_LENGTH = 2000;

/** No userId here: the owner is the caller, and an unknown field is a 400. */
export class CreatePostDto {
  @ApiProperty({ minLength: TEXT_MIN_LENGTH, maxLength: TEXT_MAX_LENGTH, example: 'Coffee here is great' })
  @IsString()
  @Length(TEXT_MIN_LENGTH, TEXT_MAX_LENGTH)
  @IsWellFormedText()
  text: string;

  @ApiProperty({ type: GeoPointDto })
  @IsDefined()
  // ValidateNested alone would accept an array of points, or [] with nothing to check.
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  location: GeoPointDto;
}
