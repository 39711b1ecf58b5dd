import { ConflictException, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MemoryUserRepository } from './persistence/memory/memory-user.repository';
import { UserRepository } from './persistence/user.repository';
import { UsersPersistenceModule } from './persistence/users-persistence.module';
import { UsersModule } from './users.module';
import { UsersService } from './users.service';

describe('UsersService', () => {
  let service: UsersService;

  beforeEach(() => {
    service = new UsersService(new MemoryUserRepository());
  });

  it('stores the email normalized', async () => {
    const user = await service.create({ email: '  Ann@Example.IO ', name: null, passwordHash: 'h' });
    expect(user.email).toBe('ann@example.io');
  });

  it('turns a taken email into a 409 with a stable message', async () => {
    await service.create({ email: 'ann@example.io', name: null, passwordHash: 'h' });
    await expect(service.create({ email: 'ANN@example.io', name: 'Other', passwordHash: 'h2' })).rejects.toThrow(
      new ConflictException('Email is already registered'),
    );
  });

  it('finds by email whatever its spelling, and by id', async () => {
    const user = await service.create({ email: 'ann@example.io', name: 'Ann', passwordHash: 'h' });
    expect(await service.findByEmail(' ANN@EXAMPLE.IO')).toEqual(user);
    expect(await service.findById(user.id)).toEqual(user);
    expect(await service.findById('not-an-id')).toBeNull();
  });

  it('updates the password hash', async () => {
    const user = await service.create({ email: 'ann@example.io', name: null, passwordHash: 'old' });
    expect(await service.updatePasswordHash(user.id, 'new')).toBe(true);
    expect((await service.findById(user.id))?.passwordHash).toBe('new');
    expect(await service.updatePasswordHash('000000000000000000000000', 'new')).toBe(false);
  });

  it('turns an identity linked to another user into a 409, on link and on create', async () => {
    const identity = { issuer: 'https://idp.example.io', subject: 'ann' };
    await service.create({ email: 'ann@example.io', name: null, passwordHash: null, identities: [identity] });
    const bob = await service.create({ email: 'bob@example.io', name: null, passwordHash: 'h' });
    const taken = new ConflictException('This identity is already linked to another account');
    await expect(service.linkIdentity(bob.id, identity)).rejects.toThrow(taken);
    await expect(
      service.create({ email: 'carol@example.io', name: null, passwordHash: null, identities: [identity] }),
    ).rejects.toThrow(taken);
    expect((await service.findByIdentity(identity))?.email).toBe('ann@example.io');
  });
});

describe('UsersModule', () => {
  @Injectable()
  class AuthLike {
    constructor(readonly users: UsersService) {}
  }
  @Injectable()
  class AdminLike {
    constructor(readonly users: UsersService) {}
  }
  @Module({ imports: [UsersModule], providers: [AuthLike], exports: [AuthLike] })
  class AuthLikeModule {}
  @Module({ imports: [UsersModule], providers: [AdminLike], exports: [AdminLike] })
  class AdminLikeModule {}

  /** An application: the persistence bound once, feature modules importing UsersModule. */
  const application = () =>
    Test.createTestingModule({ imports: [UsersPersistenceModule.register('memory'), AuthLikeModule, AdminLikeModule] });

  it('gives every importer the one store the application bound', async () => {
    const moduleRef = await application().compile();
    const created = await moduleRef.get(AuthLike).users.create({ email: 'a@b.io', name: null, passwordHash: 'h' });
    expect(await moduleRef.get(AdminLike).users.findById(created.id)).toEqual(created);
    expect(moduleRef.get(UserRepository, { strict: false })).toBeInstanceOf(MemoryUserRepository);
    await moduleRef.close();
  });

  it('gives each application its own store', async () => {
    const [first, second] = await Promise.all([application().compile(), application().compile()]);
    const created = await first.get(AuthLike).users.create({ email: 'a@b.io', name: null, passwordHash: 'h' });
    expect(await second.get(AdminLike).users.findById(created.id)).toBeNull();
    await Promise.all([first.close(), second.close()]);
  });
});
