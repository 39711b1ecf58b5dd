import { HealthIndicatorService } from '@nestjs/terminus';
import { MongoServerSelectionError, TopologyDescription } from 'mongodb';
import type { Connection } from 'mongoose';
import { MongoHealthIndicator } from './mongo.health';

/**
 * The connection is a stand-in whose ping answers as told: no mongod can run on the CI machines.
 * Its readyState says "connected" throughout, as it does on sharded and load-balanced
 * topologies whatever the servers do: only the ping may decide.
 */
function indicatorWith(ping: () => Promise<unknown>, db: 'connected' | 'no db yet' = 'connected') {
  const connection = {
    readyState: 1,
    db: db === 'connected' ? { admin: () => ({ ping }) } : undefined,
  } as unknown as Connection;
  return new MongoHealthIndicator(connection, new HealthIndicatorService());
}

describe('MongoHealthIndicator', () => {
  it('is up when MongoDB answers the ping', async () => {
    const ping = jest.fn(() => Promise.resolve({ ok: 1 }));
    expect(await indicatorWith(ping).ping('mongo')).toEqual({ mongo: { status: 'up' } });
    expect(ping).toHaveBeenCalledTimes(1);
  });

  it('is down, naming the store and not the driver text, when the ping fails', async () => {
    const failure = new MongoServerSelectionError(
      'Server selection timed out: mongo-0.internal:27017',
      {} as TopologyDescription,
    );
    const result = await indicatorWith(() => Promise.reject(failure)).ping('mongo');
    expect(result).toEqual({ mongo: { status: 'down', message: 'mongo is unavailable' } });
  });

  it('is down when no answer comes within the timeout, though the connection still says connected', async () => {
    const never = () => new Promise<never>(() => undefined);
    expect(await indicatorWith(never).ping('mongo', 20)).toEqual({
      mongo: { status: 'down', message: 'mongo is unavailable' },
    });
  });

  it('is down before the first connection (no database handle yet)', async () => {
    expect(await indicatorWith(() => Promise.resolve(), 'no db yet').ping('mongo')).toEqual({
      mongo: { status: 'down', message: 'mongo is unavailable' },
    });
  });
});
