import { CanActivate, ExecutionContext, SetMetadata, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The API speaks JSON only: a body of any other type is a 415, never silently ignored.
 * The last global guard (app.setup.ts adds it after the APP_GUARDs of AuthModule), so a
 * request that is not authenticated, or lacks its CSRF token, is told so (401, 403) before
 * anything about its body. A guard rather than an interceptor: with any global interceptor
 * Nest runs every call through an rxjs pipeline and AsyncResource.bind, which cost this
 * service about a quarter of its CPU per response (bench/README.md, issue 13).
 */
export class RequireJsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) return true;
    const formAllowed = Reflect.getMetadata(FORM_BODY, context.getHandler()) === true;
    if (!req.is('application/json') && !(formAllowed && req.is('application/x-www-form-urlencoded'))) {
      throw new UnsupportedMediaTypeException('Request bodies must be application/json');
    }
    return true;
  }
}

const FORM_BODY = 'acceptsFormBody';

/**
 * The one exception: a route that a standard makes a form post (the OpenID provider's
 * back-channel logout). app.setup.ts parses such bodies for that route only.
 */
export const AcceptsFormBody = () => SetMetadata(FORM_BODY, true);
