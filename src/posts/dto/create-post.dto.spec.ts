import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreatePostDto } from './create-post.dto';

// The options the global ValidationPipe uses (src/common/validation.ts).
async function problems(body: unknown): Promise<string[]> {
  const dto = plainToInstance(CreatePostDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.map((error) => error.property);
}

const point = (coordinates: unknown) => ({ type: 'Point', coordinates });
const valid = { text: 'hello', location: point([13.405, 52.52]) };

describe('CreatePostDto', () => {
  it('accepts a text and a point', async () => {
    expect(await problems(valid)).toEqual([]);
  });

  it.each([
    ['the smallest and largest coordinates', [-180, -90]],
    ['the largest coordinates', [180, 90]],
    ['zero', [0, 0]],
  ])('accepts %s', async (_name, coordinates) => {
    expect(await problems({ ...valid, location: point(coordinates) })).toEqual([]);
  });

  it('accepts 1 and 2000 characters of text', async () => {
    expect(await problems({ ...valid, text: 'x' })).toEqual([]);
    expect(await problems({ ...valid, text: 'x'.repeat(2000) })).toEqual([]);
  });

  it('rejects a userId: the owner is always the caller', async () => {
    expect(await problems({ ...valid, userId: '665f1c2b9d3e4a0012345678' })).toEqual(['userId']);
  });

  it('rejects unknown fields inside the location', async () => {
    const errors = await validate(
      plainToInstance(CreatePostDto, { ...valid, location: { ...point([1, 2]), crs: 'x' } }),
      { whitelist: true, forbidNonWhitelisted: true },
    );
    expect(errors.map((error) => error.property)).toEqual(['location']);
    expect(errors[0].children?.map((child) => child.property)).toEqual(['crs']);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(2001)],
    ['an operator object', { $gt: '' }],
    ['a number', 42],
    ['null', null],
    ['an array of strings', ['hello']],
  ])('rejects text that is %s', async (_name, text) => {
    expect(await problems({ ...valid, text })).toEqual(['text']);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['a string', 'x'],
    ['an empty array', []],
    ['an array holding a point', [point([1, 2])]],
    ['an empty object', {}],
    ['of another GeoJSON type', { type: 'Polygon', coordinates: [1, 2] }],
    ['without a type', { coordinates: [1, 2] }],
    ['without coordinates', { type: 'Point' }],
  ])('rejects a location that is %s', async (_name, location) => {
    expect(await problems({ ...valid, location })).toEqual(['location']);
  });

  it.each([
    ['strings', ['13.4', '52.5']],
    ['one string', [13.4, '52.5']],
    ['three numbers', [1, 2, 3]],
    ['one number', [1]],
    ['no numbers', []],
    ['NaN', [Number.NaN, 1]],
    ['Infinity', [Number.POSITIVE_INFINITY, 1]],
    ['lng above 180', [180.0001, 0]],
    ['lng below -180', [-181, 0]],
    ['lat above 90', [0, 90.5]],
    ['lat below -90', [0, -91]],
    ['lat and lng swapped out of range', [52.5, 130]],
    ['null', null],
    ['an object', { lng: 1, lat: 2 }],
    ['a nested array', [[1, 2]]],
    ['an operator object', { $gt: '' }],
  ])('rejects coordinates that are %s', async (_name, coordinates) => {
    expect(await problems({ ...valid, location: point(coordinates) })).toEqual(['location']);
  });
});
