import { checkJsonBytes, MAX_JSON_DEPTH } from './json-bytes';

const check = (text: string | Buffer) => () => checkJsonBytes(undefined, undefined, Buffer.from(text));

/** What `run` threw, as status and message. */
function refusal(run: () => void): { status?: number; message: string } {
  try {
    run();
  } catch (error) {
    return { status: (error as { status?: number }).status, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('checkJsonBytes', () => {
  it('passes JSON nested up to the limit, and counts no bracket inside strings', () => {
    expect(check(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).not.toThrow();
    const quoted = `{"text":"${'[{'.repeat(500)}","more":"\\"[[[["}`;
    expect(check(quoted)).not.toThrow();
  });

  it('refuses nesting one level past the limit with a 400', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(refusal(check(deep))).toEqual({
      status: 400,
      message: `JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
  });

  it('is not fooled by an escaped quote that would end the string early', () => {
    // Inside the string: \" does not close it, so these brackets do not count.
    const sneaky = `{"a":"\\"${'['.repeat(MAX_JSON_DEPTH + 5)}"}`;
    expect(check(sneaky)).not.toThrow();
  });

  it('refuses bytes that are not UTF-8 with a 400, instead of storing U+FFFD', () => {
    const latin1 = Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(refusal(check(latin1))).toEqual({ status: 400, message: 'Request body is not valid UTF-8' });
    expect(check('{"text":"café ☕"}')).not.toThrow();
  });
});
