import { ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import * as classValidator from 'class-validator';
import type { ValidationError } from 'class-validator';

/**
 * The names of class-validator's own checks (`isString`, `maxLength`, `isEmail`, …): every one
 * of them fails on an absent value. A custom check may be about absence itself (AtLeastOneOf
 * passes when its property is absent and another is present), so only these count as
 * "required" failures.
 */
const BUILT_IN_CHECKS: ReadonlySet<string> = new Set(
  Object.entries(classValidator)
    .filter(([name, value]) => /^[A-Z][A-Z0-9_]*$/.test(name) && typeof value === 'string')
    .map(([, value]) => value as string),
);

/** The constraint key of the one message a missing field gets. */
export const IS_REQUIRED = 'isRequired';

/**
 * A field that is absent says so, and only so: `lat is required` instead of every rule that
 * undefined breaks ("lat must not be greater than 90, lat must not be less than -90, lat must
 * be a number…"). Applies at every depth (Nest's flattening adds the parent path:
 * `location.coordinates is required`); fields that are present keep all their messages.
 * A pure function over class-validator's errors, so it composes with anything else the
 * exceptionFactory does (limits on the number of messages, for one).
 */
export function reportMissingAsRequired(errors: ValidationError[]): ValidationError[] {
  return errors.map((error) => {
    const checks = Object.keys(error.constraints ?? {});
    if (error.value === undefined && checks.some((check) => BUILT_IN_CHECKS.has(check))) {
      return { ...error, constraints: { [IS_REQUIRED]: `${error.property} is required` }, children: [] };
    }
    if (!error.children?.length) return error;
    return { ...error, children: reportMissingAsRequired(error.children) };
  });
}

/** Unknown fields are a 400, and inputs become typed DTOs. */
const PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
};

/** A 400 lists at most this many messages: thousands of unknown fields get one short answer. */
export const MAX_VALIDATION_MESSAGES = 10;

/**
 * Nest's own exceptionFactory for these options: flattening with parent paths, its budget on
 * the length of the messages, `{ statusCode: 400, message: string[], error }`; at most
 * MAX_VALIDATION_MESSAGES messages.
 */
class NestValidationErrors extends ValidationPipe {
  static factory(options: ValidationPipeOptions): (errors: ValidationError[]) => unknown {
    return new NestValidationErrors(options).createExceptionFactory();
  }

  protected override flattenValidationErrors(errors: ValidationError[]): string[] {
    return super.flattenValidationErrors(errors).slice(0, MAX_VALIDATION_MESSAGES);
  }
}
const nestExceptionFactory = NestValidationErrors.factory(PIPE_OPTIONS);

/** Validation at the edge, as the global ValidationPipe (and the login guard) applies it. */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  ...PIPE_OPTIONS,
  exceptionFactory: (errors: ValidationError[]) => nestExceptionFactory(reportMissingAsRequired(errors)),
};

/** The application's ValidationPipe, with VALIDATION_OPTIONS: the global pipe and the login guard's. */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_OPTIONS);
  }
}
