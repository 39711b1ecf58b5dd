import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { NearQueryDto } from './near.query.dto';

async function parse(query: Record<string, unknown>): Promise<{ dto: NearQueryDto; invalid: string[] }> {
  const dto = plainToInstance(NearQueryDto, query);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { dto, invalid: errors.map((error) => error.property) };
}

const here = { lng: '13.405', lat: '52.52' };

describe('NearQueryDto', () => {
  it('turns strings into numbers and applies the defaults', async () => {
    const { dto, invalid } = await parse(here);
    expect(invalid).toEqual([]);
    expect(dto).toMatchObject({ lng: 13.405, lat: 52.52, maxDistance: 5000, limit: 20 });
  });

  it('accepts the edges of every range', async () => {
    const { dto, invalid } = await parse({ lng: '-180', lat: '90', maxDistance: '100000', limit: '1' });
    expect(invalid).toEqual([]);
    expect(dto).toMatchObject({ lng: -180, lat: 90, maxDistance: 100000, limit: 1 });
    expect((await parse({ lng: '180', lat: '-90', maxDistance: '0.5', limit: '100' })).invalid).toEqual([]);
  });

  it.each([
    ['missing lng', { lat: '1' }, ['lng']],
    ['missing lat', { lng: '1' }, ['lat']],
    ['lng=abc', { ...here, lng: 'abc' }, ['lng']],
    ['lng= (empty)', { ...here, lng: '' }, ['lng']],
    ['lng=  (blank)', { ...here, lng: '  ' }, ['lng']],
    ['lng=NaN', { ...here, lng: 'NaN' }, ['lng']],
    ['lng=1&lng=2', { ...here, lng: ['1', '2'] }, ['lng']],
    ['lng=181', { ...here, lng: '181' }, ['lng']],
    ['lng=-180.5', { ...here, lng: '-180.5' }, ['lng']],
    ['lat=91', { ...here, lat: '91' }, ['lat']],
    ['lat=-90.01', { ...here, lat: '-90.01' }, ['lat']],
    ['lat=1e400', { ...here, lat: '1e400' }, ['lat']],
    ['maxDistance=0', { ...here, maxDistance: '0' }, ['maxDistance']],
    ['maxDistance=-5', { ...here, maxDistance: '-5' }, ['maxDistance']],
    ['maxDistance=100001', { ...here, maxDistance: '100001' }, ['maxDistance']],
    ['maxDistance= (empty)', { ...here, maxDistance: '' }, ['maxDistance']],
    ['maxDistance=far', { ...here, maxDistance: 'far' }, ['maxDistance']],
    ['limit=1.5', { ...here, limit: '1.5' }, ['limit']],
    ['limit=0', { ...here, limit: '0' }, ['limit']],
    ['limit=101', { ...here, limit: '101' }, ['limit']],
    ['limit=5&limit=6', { ...here, limit: ['5', '6'] }, ['limit']],
    ['an unknown parameter', { ...here, radius: '5' }, ['radius']],
  ])('rejects %s', async (_name, query, invalid) => {
    expect((await parse(query)).invalid).toEqual(invalid);
  });
});
