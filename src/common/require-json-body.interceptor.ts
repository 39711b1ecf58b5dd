import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

/**
 * The API speaks JSON only: a body of any other type is a 415, never silently ignored.
 * An interceptor, so it runs after the guards: a request that is not authenticated, or
 * lacks its CSRF token, is told so (401, 403) before anything about its body.
 */
@Injectable()
export class RequireJsonBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const formAllowed = Reflect.getMetadata(FORM_BODY, context.getHandler()) === true;
    if (hasBody && !req.is('application/json') && !(formAllowed && req.is('application/x-www-form-urlencoded'))) {
      throw new UnsupportedMediaTypeException('Request bodies must be application/json');
    }
    return next.handle();
  }
}

const FORM_BODY = 'acceptsFormBody';

/**
 * The one exception: a route that a standard makes a form post (the OpenID provider's
 * back-channel logout). app.setup.ts parses such bodies for that route only.
 */
export const AcceptsFormBody = () => SetMetadata(FORM_BODY, true);
