import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { ListPostsQuery, NearQuery, NewPost, Post, PostPatch, PostWithDistance } from './domain/post';
import { PostRepository } from './persistence/post.repository';

export const POST_NOT_FOUND = 'Post not found';
export const NOT_OWNER = 'Only the owner can change this post';

@Injectable()
export class PostsService {
  constructor(private readonly posts: PostRepository) {}

  /** `ownerId` is the caller: a post is only ever created in its author's name. */
  create(ownerId: string, input: Omit<NewPost, 'userId'>): Promise<Post> {
    return this.posts.create({ userId: ownerId, text: input.text, location: input.location });
  }

  async findById(id: string): Promise<Post> {
    const post = await this.posts.findById(id);
    if (!post) throw new NotFoundException(POST_NOT_FOUND);
    return post;
  }

  list(query: ListPostsQuery): Promise<Post[]> {
    return this.posts.listNewest(query);
  }

  near(query: NearQuery): Promise<PostWithDistance[]> {
    return this.posts.findNear(query);
  }

  async update(callerId: string, id: string, patch: PostPatch): Promise<Post> {
    await this.findOwned(callerId, id);
    const updated = await this.posts.update(id, patch);
    // Deleted between the ownership check and the write.
    if (!updated) throw new NotFoundException(POST_NOT_FOUND);
    return updated;
  }

  async delete(callerId: string, id: string): Promise<void> {
    await this.findOwned(callerId, id);
    if (!(await this.posts.delete(id))) throw new NotFoundException(POST_NOT_FOUND);
  }

  /** 404 before 403: a missing post is missing for everyone. */
  private async findOwned(callerId: string, id: string): Promise<Post> {
    const post = await this.findById(id);
    if (post.userId !== callerId) throw new ForbiddenException(NOT_OWNER);
    return post;
  }
}
