import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { GeoPoint } from './domain/post';
import { MemoryPostRepository } from './persistence/memory/memory-post.repository';
import { NOT_OWNER, POST_NOT_FOUND, PostsService } from './posts.service';

const OWNER = '665f1c2b9d3e4a0011111111';
const STRANGER = '665f1c2b9d3e4a0022222222';
const UNKNOWN_ID = '000000000000000000000000';
const here: GeoPoint = { type: 'Point', coordinates: [2.35, 48.85] };

describe('PostsService', () => {
  let repository: MemoryPostRepository;
  let service: PostsService;

  beforeEach(() => {
    repository = new MemoryPostRepository();
    service = new PostsService(repository);
  });

  it('creates a post owned by the caller', async () => {
    const post = await service.create(OWNER, { text: 'hi', location: here });
    expect(post.userId).toBe(OWNER);
    expect(await repository.findById(post.id)).toEqual(post);
  });

  it('ignores a userId smuggled into the input', async () => {
    const input = { text: 'hi', location: here, userId: STRANGER };
    expect((await service.create(OWNER, input)).userId).toBe(OWNER);
  });

  it('finds a post, and gives 404 for an unknown one', async () => {
    const post = await service.create(OWNER, { text: 'hi', location: here });
    expect(await service.findById(post.id)).toEqual(post);
    await expect(service.findById(UNKNOWN_ID)).rejects.toThrow(new NotFoundException(POST_NOT_FOUND));
  });

  it('lists newest first and finds nearby posts', async () => {
    const first = await service.create(OWNER, { text: 'first', location: here });
    const second = await service.create(STRANGER, { text: 'second', location: { type: 'Point', coordinates: [0, 0] } });
    expect((await service.list({ limit: 20 })).map((post) => post.id)).toEqual([second.id, first.id]);
    const near = await service.near({ lng: 2.35, lat: 48.85, maxDistance: 5000, limit: 20 });
    expect(near.map((post) => post.id)).toEqual([first.id]);
  });

  describe('update', () => {
    it('lets the owner change the post', async () => {
      const post = await service.create(OWNER, { text: 'old', location: here });
      const updated = await service.update(OWNER, post.id, { text: 'new' });
      expect(updated).toMatchObject({ id: post.id, text: 'new', location: here, userId: OWNER });
    });

    it('forbids anyone else, and changes nothing', async () => {
      const post = await service.create(OWNER, { text: 'old', location: here });
      await expect(service.update(STRANGER, post.id, { text: 'mine now' })).rejects.toThrow(
        new ForbiddenException(NOT_OWNER),
      );
      expect((await repository.findById(post.id))?.text).toBe('old');
    });

    it('gives 404 for an unknown post, whoever asks', async () => {
      await expect(service.update(OWNER, UNKNOWN_ID, { text: 'x' })).rejects.toBeInstanceOf(NotFoundException);
    });
  });

  describe('delete', () => {
    it('lets the owner delete the post', async () => {
      const post = await service.create(OWNER, { text: 'bye', location: here });
      await service.delete(OWNER, post.id);
      expect(await repository.findById(post.id)).toBeNull();
    });

    it('forbids anyone else, and keeps the post', async () => {
      const post = await service.create(OWNER, { text: 'stay', location: here });
      await expect(service.delete(STRANGER, post.id)).rejects.toThrow(new ForbiddenException(NOT_OWNER));
      expect(await repository.findById(post.id)).not.toBeNull();
    });

    it('gives 404 for an unknown post, and for a second delete', async () => {
      const post = await service.create(OWNER, { text: 'bye', location: here });
      await service.delete(OWNER, post.id);
      await expect(service.delete(OWNER, post.id)).rejects.toBeInstanceOf(NotFoundException);
      await expect(service.delete(STRANGER, UNKNOWN_ID)).rejects.toBeInstanceOf(NotFoundException);
    });
  });
});
