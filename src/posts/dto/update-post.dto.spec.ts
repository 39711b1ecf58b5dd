import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { UpdatePostDto } from './update-post.dto';

async function messages(body: object): Promise<string[]> {
  const dto = plainToInstance(UpdatePostDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.flatMap((error) => Object.values(error.constraints ?? { nested: `${error.property} (nested)` }));
}

const location = { type: 'Point', coordinates: [2.35, 48.85] };

describe('UpdatePostDto', () => {
  it.each([
    ['text alone', { text: 'new text' }],
    ['location alone', { location }],
    ['both', { text: 'new text', location }],
  ])('accepts %s', async (_name, body) => {
    expect(await messages(body)).toEqual([]);
  });

  it('rejects an empty body with one clear message', async () => {
    expect(await messages({})).toEqual(['at least one of text, location must be given']);
  });

  it('rejects a userId, even next to a valid field', async () => {
    expect(await messages({ text: 'x', userId: '665f1c2b9d3e4a0012345678' })).toEqual([
      'property userId should not exist',
    ]);
  });

  it('does not let a client send the rule-holding property', async () => {
    expect(await messages({ text: 'x', atLeastOneField: true })).toEqual(['property atLeastOneField should not exist']);
  });

  it.each([
    ['null text', { text: null }],
    ['empty text', { text: '' }],
    ['too long text', { text: 'x'.repeat(2001) }],
    ['an operator object for text', { text: { $gt: '' } }],
    ['a null location', { location: null }],
    ['a string location', { location: 'x' }],
    ['an array location', { location: [] }],
    ['three coordinates', { location: { type: 'Point', coordinates: [1, 2, 3] } }],
    ['string coordinates', { location: { type: 'Point', coordinates: ['1', '2'] } }],
    ['lat out of range', { location: { type: 'Point', coordinates: [1, 91] } }],
    ['a valid text with a bad location', { text: 'ok', location: { type: 'Point', coordinates: [200, 0] } }],
  ])('rejects %s', async (_name, body) => {
    expect((await messages(body)).length).toBeGreaterThan(0);
  });
});
