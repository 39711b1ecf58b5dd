import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Lone surrogates (which no store can keep: MongoDB would write U+FFFD) and NUL: text that
 * cannot be stored as sent is a 400, never silently changed.
 */
const MALFORMED_TEXT = /[\p{Cs}\0]/u;

/**
 * Characters nobody sees or that reorder what is seen: controls, format characters (zero-width
 * spaces and joiners, bidi controls), default-ignorable ones, separators. In an email they
 * only serve to make a second account that looks like the first.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}]/u;

export function IsWellFormedText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWellFormedText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !MALFORMED_TEXT.test(value),
        defaultMessage: (args) => `${args?.property} must not contain lone surrogates or NUL characters`,
      },
    },
    options,
  );
}

export function HasNoInvisibleCharacters(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasNoInvisibleCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !INVISIBLE.test(value),
        defaultMessage: (args) => `${args?.property} must not contain invisible, control or bidi characters`,
      },
    },
    options,
  );
}

export const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** NFKC: the same text typed on two keyboards (full-width letters, ligatures) is one string. */
export const nfkc = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.normalize('NFKC') : value;
