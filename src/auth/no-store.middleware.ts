import type { NextFunction, Request, Response } from 'express';

/** Nothing under /auth/* may be cached: it answers with credentials and personal data (RFC 6749 §5.1). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
