import type { DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import type { AuthMechanism, SecurityRequirement } from './auth-mechanism';
import { PUBLIC_OPERATION } from './decorators/public.decorator';

const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = new Set([...UNSAFE_METHODS, 'get', 'head', 'options']);

/**
 * The security schemes of the mechanisms in force, each contributing its own; every route
 * requires one of them (see applyOperationSecurity for the exceptions).
 */
export function addAuthSchemes(builder: DocumentBuilder, mechanisms: AuthMechanism[]): DocumentBuilder {
  for (const { docs } of mechanisms) {
    for (const [name, scheme] of Object.entries(docs.schemes)) builder.addSecurity(name, scheme);
    builder.addSecurityRequirements(docs.requirement);
  }
  return builder;
}

/**
 * Per-operation requirements, where they differ from the document's global one: public routes
 * (`@Public()`) require nothing (`security: []`), and unsafe methods require what each
 * mechanism asks of them (the cookie with its CSRF header, or the bearer token alone).
 */
export function applyOperationSecurity(document: OpenAPIObject, mechanisms: AuthMechanism[]): OpenAPIObject {
  const unsafe: SecurityRequirement[] = mechanisms.map(({ docs }) => docs.unsafeRequirement ?? docs.requirement);
  const differs = mechanisms.some(({ docs }) => docs.unsafeRequirement !== undefined);
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, Record<string, unknown>][]) {
      if (!METHODS.has(method)) continue;
      if (operation[PUBLIC_OPERATION] === true) {
        delete operation[PUBLIC_OPERATION];
        operation.security = [];
      } else if (differs && UNSAFE_METHODS.has(method)) {
        operation.security = unsafe;
      }
    }
  }
  return document;
}

/** How to authenticate with the mechanisms in force, for the document's description (Swagger UI shows it on top). */
export function describeAuth(mechanisms: AuthMechanism[]): string {
  return [
    'To try it here: `POST /auth/register`, then `POST /auth/login`.',
    ...mechanisms.map(({ docs }) => docs.howTo),
    ...(mechanisms.length > 1 ? ['With both a bearer token and the cookie, the bearer token decides.'] : []),
  ].join('\n\n');
}
