import { STATUS_CODES } from 'node:http';
import type request from 'supertest';

/** NestJS's error body: exactly these three fields (API.md). */
export interface NestErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
}

function isMessage(value: unknown): boolean {
  return (
    (typeof value === 'string' && value !== '') ||
    (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
  );
}

/** The response has `status` and NestJS's JSON error shape `{ statusCode, message, error }`, nothing more. */
export function expectError(res: request.Response, status: number): void {
  expect({ status: res.status, type: res.type, body: res.body as unknown }).toEqual({
    status,
    type: 'application/json',
    body: { statusCode: status, message: expect.anything() as unknown, error: STATUS_CODES[status] },
  });
  expect(isMessage((res.body as NestErrorBody).message)).toBe(true);
}

/** A 4xx (never a 5xx, never a success) with NestJS's error shape. */
export function expectClientError(res: request.Response): void {
  expect({ status: res.status, clientError: res.status >= 400 && res.status < 500 }).toEqual({
    status: res.status,
    clientError: true,
  });
  expectError(res, res.status);
}
