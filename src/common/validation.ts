import type { ValidationPipeOptions } from '@nestjs/common';

/** Validation at the edge: unknown fields are a 400, and inputs become typed DTOs. */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
};
