import { z } from 'zod';

/**
 * Field types shared by the configuration schemas (config.schema.ts, redis.config.ts): how
 * an environment string becomes a typed value, and the message when it cannot.
 */

/** Trimmed; empty means unset. */
export const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A comma-separated list, items trimmed, empty items dropped; unset is []. */
export const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

export const integer = () => z.coerce.number({ error: 'must be an integer' }).int('must be an integer');

/** A space-separated list (OAuth scopes), items non-empty; unset is `fallback`. */
export const spaceList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(/\s+/).filter((item) => item !== ''));

/** Trimmed; empty means unset; otherwise an absolute http:// or https:// URL. */
export const optionalHttpUrl = optionalString.pipe(
  z
    .string()
    .refine((value) => isHttpUrl(value), 'must be an http:// or https:// URL')
    .optional(),
);

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
