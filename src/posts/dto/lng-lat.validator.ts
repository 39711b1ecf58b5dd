import { ValidateBy, ValidationOptions } from 'class-validator';
import { isLngLat } from '../domain/coordinates';

/**
 * Exactly [lng, lat] as two finite JSON numbers in range. class-validator's built-ins
 * cannot give each array index its own range, and IsLongitude/IsLatitude accept strings.
 */
export function IsLngLat(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLngLat',
      validator: {
        validate: (value: unknown) => isLngLat(value),
        defaultMessage: () => '$property must be [lng, lat]: two numbers, lng in [-180, 180] and lat in [-90, 90]',
      },
    },
    options,
  );
}
