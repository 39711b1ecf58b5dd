import { Post } from '../domain/post';
import { NearPostResponse, PostResponse } from './post.response';

const post: Post & { _id: string; __v: number } = {
  _id: 'leaked',
  __v: 0,
  id: '665f1c2b9d3e4a0012345678',
  userId: '665f1c2b9d3e4a0087654321',
  text: 'hello',
  location: { type: 'Point', coordinates: [1, 2] },
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

describe('PostResponse', () => {
  it('carries exactly the Post fields of API.md', () => {
    const response = JSON.parse(JSON.stringify(PostResponse.from(post))) as Record<string, unknown>;
    expect(response).toEqual({
      id: post.id,
      userId: post.userId,
      text: 'hello',
      location: { type: 'Point', coordinates: [1, 2] },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('adds the distance for proximity results', () => {
    const response = NearPostResponse.from({ ...post, distance: 12.5 });
    expect(response).toBeInstanceOf(NearPostResponse);
    expect(response.distance).toBe(12.5);
    expect(Object.keys(response).sort()).toEqual(
      ['createdAt', 'distance', 'id', 'location', 'text', 'updatedAt', 'userId'].sort(),
    );
  });
});
