import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC_KEY = 'isPublic';

/** Marks a public operation in the OpenAPI document; auth.openapi.ts turns it into `security: []`. */
export const PUBLIC_OPERATION = 'x-public';

/**
 * Opts a route out of the global AuthenticatedGuard, and out of the document's global security
 * requirement: one decorator, so the guard and the document cannot disagree.
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_OPERATION, true));
