import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Length, ValidateIf, ValidateNested } from 'class-validator';
import { AtLeastOneOf } from './at-least-one-of.validator';
import { TEXT_MAX_LENGTH, TEXT_MIN_LENGTH } from './create-post.dto';
import { IsWellFormedText } from '../../common/text.validators';
import { GeoPointDto } from './geo-point.dto';

// Not IsOptional: it also skips null, and `"text": null` must be a 400, not a no-op.
const unlessAbsent = ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** Either field or both; an empty body is a 400. */
export class UpdatePostDto {
  @ApiPropertyOptional({ minLength: TEXT_MIN_LENGTH, maxLength: TEXT_MAX_LENGTH })
  @unlessAbsent
  @IsString()
  @Length(TEXT_MIN_LENGTH, TEXT_MAX_LENGTH)
  @IsWellFormedText()
  text?: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @unlessAbsent
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  location?: GeoPointDto;

  @AtLeastOneOf(['text', 'location'])
  private readonly atLeastOneField?: never;
}
