import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { PostIdParams } from './post-id.params';

async function invalid(params: Record<string, unknown>): Promise<string[]> {
  const errors = await validate(plainToInstance(PostIdParams, params), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return errors.map((error) => error.property);
}

describe('PostIdParams', () => {
  it('accepts a 24-hex id', async () => {
    expect(await invalid({ id: '665f1c2b9d3e4a0012345678' })).toEqual([]);
  });

  it.each([['near'], ['123'], ['665f1c2b9d3e4a001234567z'], ['665f1c2b9d3e4a00123456789'], ['']])(
    'rejects id=%j',
    async (id) => {
      expect(await invalid({ id })).toEqual(['id']);
    },
  );
});
