import { ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';

/** Validation at the edge: unknown fields are a 400, and inputs become typed DTOs. */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
};

/** A 400 lists at most this many messages: thousands of unknown fields get one short answer. */
export const MAX_VALIDATION_MESSAGES = 10;

/** The application's ValidationPipe: VALIDATION_OPTIONS, and at most MAX_VALIDATION_MESSAGES messages. */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_OPTIONS);
  }

  protected override flattenValidationErrors(errors: ValidationError[]): string[] {
    return super.flattenValidationErrors(errors).slice(0, MAX_VALIDATION_MESSAGES);
  }
}
