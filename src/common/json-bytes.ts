import { isUtf8 } from 'node:buffer';

/** Far deeper than any DTO. class-transformer recurses once per level and overflows the stack near 3000: a 500. */
export const MAX_JSON_DEPTH = 32;

/**
 * Before the body is parsed: bytes that are not UTF-8 (which the decoder would silently turn
 * into U+FFFD and store) and nesting deeper than MAX_JSON_DEPTH (counting brackets outside
 * strings) are a 400.
 */
export function checkJsonBytes(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw badJson('Request body is not valid UTF-8');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      // A backslash: skip the escaped character.
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw badJson(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
}

/** A SyntaxError with status 400 is what Nest answers as a 400 in its own shape. */
function badJson(message: string): SyntaxError {
  return Object.assign(new SyntaxError(message), { status: 400 });
}
