import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ListPostsQueryDto } from './list-posts.query.dto';

// Query values arrive as strings, or as arrays when a parameter is repeated.
async function parse(query: Record<string, unknown>): Promise<{ dto: ListPostsQueryDto; invalid: string[] }> {
  const dto = plainToInstance(ListPostsQueryDto, query);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { dto, invalid: errors.map((error) => error.property) };
}

describe('ListPostsQueryDto', () => {
  it('defaults limit to 20 and leaves before unset', async () => {
    const { dto, invalid } = await parse({});
    expect(invalid).toEqual([]);
    expect(dto.limit).toBe(20);
    expect(dto.before).toBeUndefined();
  });

  it('turns limit into a number and keeps a valid before', async () => {
    const { dto, invalid } = await parse({ limit: '100', before: '665f1c2b9d3e4a0012345678' });
    expect(invalid).toEqual([]);
    expect(dto.limit).toBe(100);
    expect(dto.before).toBe('665f1c2b9d3e4a0012345678');
  });

  it.each([['0'], ['101'], ['1.5'], ['abc'], [''], ['-1'], ['NaN'], ['Infinity'], ['0x10'], [['1', '2']]])(
    'rejects limit=%j',
    async (limit) => {
      expect((await parse({ limit })).invalid).toEqual(['limit']);
    },
  );

  it.each([['abc'], [''], ['665f1c2b9d3e4a001234567'], ['665f1c2b9d3e4a00123456789'], [['665f1c2b9d3e4a0012345678']]])(
    'rejects before=%j',
    async (before) => {
      expect((await parse({ before })).invalid).toEqual(['before']);
    },
  );

  it('rejects unknown parameters', async () => {
    expect((await parse({ userId: 'x' })).invalid).toEqual(['userId']);
  });
});
