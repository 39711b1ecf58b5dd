import { ConfigModule } from '@nestjs/config';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import mongoose, { Connection, Model } from 'mongoose';
import { DatabaseModule } from '../../database/database.module';
import { throwAwayDatabaseName, withDatabase } from '../../database/mongo-test-database';
import { NewAuditEvent } from '../domain/audit-event';
import { AuditLog } from './audit-log';
import { AuditPersistenceModule } from './audit-persistence.module';
import { MemoryAuditLog } from './memory/memory-audit-log';
import { AUDIT_EVENT_MODEL, AuditEventRecord } from './mongo/audit-event.schema';
import { AUDIT_TTL_INDEX } from './mongo/audit-ttl-index';

const ANN = '665f1c2b9d3e4a0011111111';
const BOB = '665f1c2b9d3e4a0022222222';
const ADMIN = '665f1c2b9d3e4a0033333333';

/** An event of `type` about `userId` at `ms` past a fixed moment. */
function event(overrides: Partial<NewAuditEvent> & { ms?: number } = {}): NewAuditEvent {
  const { ms = 0, ...fields } = overrides;
  return {
    at: new Date(Date.UTC(2026, 0, 1) + ms),
    type: 'login.succeeded',
    userId: ANN,
    actorId: ANN,
    ip: '203.0.113.7',
    userAgent: 'spec/1',
    detail: {},
    ...fields,
  };
}

/** What every AuditLog adapter must do; `fresh` gives an empty log. */
function auditLogContract(fresh: () => Promise<AuditLog>): void {
  let log: AuditLog;
  beforeEach(async () => {
    log = await fresh();
  });

  it('appends an event with a 24-hex id and gives every field back', async () => {
    const input = event({ type: 'roles.changed', actorId: ADMIN, detail: { from: ['user'], to: ['user', 'admin'] } });
    const { id, ...fields } = await log.append(input);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(fields).toEqual(input);
    expect(await log.listNewest({ limit: 20 })).toEqual([{ id, ...input }]);
  });

  it('keeps nulls for an unknown user, actor, address and user agent', async () => {
    const input = event({ type: 'login.failed', userId: null, actorId: null, ip: null, userAgent: null });
    expect(await log.append(input)).toEqual({ id: expect.any(String) as unknown, ...input });
  });

  it('lists newest first by time, whatever the order of writing', async () => {
    const middle = await log.append(event({ ms: 2000 }));
    const oldest = await log.append(event({ ms: 1000 }));
    const newest = await log.append(event({ ms: 3000 }));
    expect((await log.listNewest({ limit: 20 })).map((each) => each.id)).toEqual([newest.id, middle.id, oldest.id]);
  });

  it('breaks ties of time by newest id first', async () => {
    const first = await log.append(event());
    const second = await log.append(event());
    expect((await log.listNewest({ limit: 20 })).map((each) => each.id)).toEqual([second.id, first.id]);
  });

  it('pages with limit and before, ties included', async () => {
    const events = [];
    for (const ms of [0, 0, 1000, 1000, 2000]) events.push(await log.append(event({ ms })));
    const all = await log.listNewest({ limit: 20 });
    const first = await log.listNewest({ limit: 2 });
    const second = await log.listNewest({ limit: 2, before: first[1].id });
    const third = await log.listNewest({ limit: 2, before: second[1].id });
    expect([...first, ...second, ...third]).toEqual(all);
    expect(all).toHaveLength(events.length);
  });

  it('filters by user and by type, together with the cursor', async () => {
    const annLogin = await log.append(event({ ms: 1 }));
    await log.append(event({ ms: 2, userId: BOB, actorId: BOB }));
    const annLocked = await log.append(event({ ms: 3, type: 'account.locked', actorId: ADMIN }));
    const annLogout = await log.append(event({ ms: 4, type: 'logout' }));

    expect((await log.listNewest({ userId: ANN, limit: 20 })).map((each) => each.id)).toEqual([
      annLogout.id,
      annLocked.id,
      annLogin.id,
    ]);
    expect((await log.listNewest({ userId: ANN.toUpperCase(), limit: 20 })).map((each) => each.id)).toHaveLength(3);
    expect((await log.listNewest({ type: 'account.locked', limit: 20 })).map((each) => each.id)).toEqual([
      annLocked.id,
    ]);
    expect((await log.listNewest({ userId: ANN, before: annLocked.id, limit: 20 })).map((each) => each.id)).toEqual([
      annLogin.id,
    ]);
  });

  it('gives an empty page for a cursor it never issued', async () => {
    await log.append(event());
    expect(await log.listNewest({ limit: 20, before: '000000000000000000000000' })).toEqual([]);
  });

  it('hands out copies: changing a returned event changes nothing stored', async () => {
    const created = await log.append(event({ detail: { email: 'ann@example.io' } }));
    created.detail.email = 'mallory@example.io';
    created.at.setFullYear(1999);
    const [stored] = await log.listNewest({ limit: 1 });
    expect(stored.detail.email).toBe('ann@example.io');
    expect(stored.at.getFullYear()).toBe(2026);
  });
}

const mongoUri = process.env.MONGODB_URI;

describe(`AuditLog contract [memory]${mongoUri ? '' : ' (mongo: set MONGODB_URI to run)'}`, () => {
  auditLogContract(() => Promise.resolve(new MemoryAuditLog()));
});

if (mongoUri) {
  const RETENTION_DAYS = 30;

  /** The adapter as the application builds it: DatabaseModule (init() runs MongoReadiness) and DI. */
  function compile(dbName: string): Promise<TestingModule> {
    return Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ audit: { retentionDays: RETENTION_DAYS } })],
        }),
        DatabaseModule.register({
          dataStore: 'mongo',
          sessionStore: 'memory',
          mongodbUri: withDatabase(mongoUri!, dbName),
          mongodbConnectTimeout: 10,
        }),
        AuditPersistenceModule.register('mongo'),
      ],
    }).compile();
  }

  describe('AuditLog contract [mongo]', () => {
    let moduleRef: TestingModule;
    let model: Model<AuditEventRecord>;

    // No model.init() here: start-up itself must leave every index in place, the TTL one included.
    beforeAll(async () => {
      moduleRef = await compile(throwAwayDatabaseName('audit'));
      await moduleRef.init();
      model = moduleRef.get<Model<AuditEventRecord>>(getModelToken(AUDIT_EVENT_MODEL));
    });

    afterAll(async () => {
      const connection = moduleRef?.get<Connection>(getConnectionToken());
      if (connection?.readyState === mongoose.ConnectionStates.connected) await connection.dropDatabase();
      await moduleRef?.close();
    });

    it('has the userId+at, type+at and retention indexes once start-up is done', async () => {
      const indexes = await model.collection.indexes();
      expect(indexes).toContainEqual(expect.objectContaining({ key: { userId: 1, at: -1 } }));
      expect(indexes).toContainEqual(expect.objectContaining({ key: { type: 1, at: -1 } }));
      expect(indexes).toContainEqual(
        expect.objectContaining({ name: AUDIT_TTL_INDEX, key: { at: 1 }, expireAfterSeconds: RETENTION_DAYS * 86_400 }),
      );
    });

    auditLogContract(async () => {
      await model.deleteMany({});
      return moduleRef.get(AuditLog);
    });
  });

  describe('start-up against an existing retention index [mongo]', () => {
    it('changes the lifetime of a TTL index built with another AUDIT_RETENTION_DAYS instead of failing', async () => {
      const dbName = throwAwayDatabaseName('audit_ttl');
      const seed = await mongoose
        .createConnection(withDatabase(mongoUri, dbName), { serverSelectionTimeoutMS: 5000 })
        .asPromise();
      try {
        await seed.collection('audit_events').createIndex({ at: 1 }, { name: AUDIT_TTL_INDEX, expireAfterSeconds: 60 });
        const moduleRef = await compile(dbName);
        await moduleRef.init();
        await moduleRef.close();
        const ttl = (await seed.collection('audit_events').indexes()).find((index) => index.name === AUDIT_TTL_INDEX);
        expect(ttl?.expireAfterSeconds).toBe(RETENTION_DAYS * 86_400);
      } finally {
        await seed.dropDatabase();
        await seed.close();
      }
    });
  });
}
