import { Transform } from 'class-transformer';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Turns a decimal query string into a number and leaves anything else as it came, so
 * that IsNumber/IsInt reject it. `@Type(() => Number)` is not enough: it makes ''
 * into 0, 'abc' into NaN and ['1', '2'] (a repeated parameter) into [1, 2].
 */
export function ToNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value,
  );
}
