import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { CreatePostDto } from './dto/create-post.dto';
import { ListPostsQueryDto } from './dto/list-posts.query.dto';
import { NearQueryDto } from './dto/near.query.dto';
import { PostIdParams } from './dto/post-id.params';
import { NearPostResponse, PostResponse } from './dto/post.response';
import { UpdatePostDto } from './dto/update-post.dto';
import { PostsService } from './posts.service';

@ApiTags('posts')
@ApiUnauthorizedResponse({ description: 'Not authenticated' })
@Controller('posts')
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Post()
  @ApiCreatedResponse({ type: PostResponse })
  @ApiBadRequestResponse({ description: 'Invalid body, including any userId' })
  @ApiForbiddenResponse({ description: 'Missing CSRF token (cookie authentication)' })
  async create(@CurrentUser() caller: AuthenticatedUser, @Body() dto: CreatePostDto): Promise<PostResponse> {
    return PostResponse.from(await this.posts.create(caller.id, dto));
  }

  @Get()
  @ApiOkResponse({ type: [PostResponse], description: 'Newest first' })
  @ApiBadRequestResponse({ description: 'Invalid limit or before' })
  async list(@Query() query: ListPostsQueryDto): Promise<PostResponse[]> {
    const posts = await this.posts.list({ limit: query.limit, before: query.before });
    return posts.map((post) => PostResponse.from(post));
  }

  // Declared before ':id' so that "near" is never taken for a post id.
  @Get('near')
  @ApiOkResponse({ type: [NearPostResponse], description: 'Nearest first; distance in metres' })
  @ApiBadRequestResponse({ description: 'Missing or invalid lng, lat, maxDistance or limit' })
  async near(@Query() query: NearQueryDto): Promise<NearPostResponse[]> {
    const { lng, lat, maxDistance, limit } = query;
    const posts = await this.posts.near({ lng, lat, maxDistance, limit });
    return posts.map((post) => NearPostResponse.from(post));
  }

  @Get(':id')
  @ApiOkResponse({ type: PostResponse })
  @ApiBadRequestResponse({ description: 'Malformed id' })
  @ApiNotFoundResponse({ description: 'No such post' })
  async findOne(@Param() { id }: PostIdParams): Promise<PostResponse> {
    return PostResponse.from(await this.posts.findById(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: PostResponse })
  @ApiBadRequestResponse({ description: 'Malformed id, invalid body, or neither text nor location given' })
  @ApiForbiddenResponse({ description: 'Not the owner, or missing CSRF token (cookie authentication)' })
  @ApiNotFoundResponse({ description: 'No such post' })
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() { id }: PostIdParams,
    @Body() dto: UpdatePostDto,
  ): Promise<PostResponse> {
    return PostResponse.from(await this.posts.update(caller.id, id, { text: dto.text, location: dto.location }));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ description: 'Malformed id' })
  @ApiForbiddenResponse({ description: 'Not the owner, or missing CSRF token (cookie authentication)' })
  @ApiNotFoundResponse({ description: 'No such post' })
  async remove(@CurrentUser() caller: AuthenticatedUser, @Param() { id }: PostIdParams): Promise<void> {
    await this.posts.delete(caller.id, id);
  }
}
