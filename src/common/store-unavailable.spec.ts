import type { Server } from 'node:http';
import { Controller, Get, INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError, TopologyDescription } from 'mongodb';
import request from 'supertest';
import { HttpErrorsFilter } from './http-errors.filter';
import { StoreUnavailableError } from './store-unavailable.error';

/** Routes that fail the way an adapter does during an outage (thrown by hand: no mongod runs here). */
@Controller()
class FailingController {
  @Get('typed')
  typed(): never {
    throw new StoreUnavailableError('mongo', { cause: new MongoNetworkError('reset') });
  }

  @Get('driver')
  driver(): never {
    throw new MongoServerSelectionError('Server selection timed out after 15000 ms', {} as TopologyDescription);
  }

  @Get('bug')
  bug(): never {
    throw new MongoServerError({ code: 2, errmsg: 'BadValue' });
  }
}

describe('HttpErrorsFilter and MongoDB outages', () => {
  let app: INestApplication;
  let http: Server;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [FailingController],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    http = app.getHttpServer() as Server;
  });

  afterAll(() => app.close());

  it('answers StoreUnavailableError with 503 naming the store', async () => {
    const res = await request(http).get('/typed').expect(503);
    expect(res.body).toEqual({ statusCode: 503, message: 'mongo is unavailable', error: 'Service Unavailable' });
  });

  it('answers a driver outage error that no adapter wrapped with the same 503, without its text', async () => {
    const res = await request(http).get('/driver').expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, message: 'mongo is unavailable' });
    expect(JSON.stringify(res.body)).not.toMatch(/selection|15000/);
  });

  it('keeps other driver errors a 500', async () => {
    await request(http).get('/bug').expect(500);
  });
});
