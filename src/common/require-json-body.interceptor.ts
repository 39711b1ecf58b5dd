import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
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
    if (hasBody && !req.is('application/json')) {
      throw new UnsupportedMediaTypeException('Request bodies must be application/json');
    }
    return next.handle();
  }
}
