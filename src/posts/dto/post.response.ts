import { ApiProperty } from '@nestjs/swagger';
import { Post, PostWithDistance } from '../domain/post';

export class GeoPointResponse {
  @ApiProperty({ enum: ['Point'] })
  type: 'Point';

  @ApiProperty({ type: [Number], minItems: 2, maxItems: 2, description: '[lng, lat]', example: [13.405, 52.52] })
  coordinates: [number, number];
}

export class PostResponse {
  @ApiProperty({ example: '665f1c2b9d3e4a0012345678' })
  id: string;

  @ApiProperty({ description: "The author's user id", example: '665f1c2b9d3e4a0087654321' })
  userId: string;

  @ApiProperty()
  text: string;

  @ApiProperty({ type: GeoPointResponse })
  location: GeoPointResponse;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: Date;

  static from(post: Post): PostResponse {
    return Object.assign(new PostResponse(), pick(post));
  }
}

export class NearPostResponse extends PostResponse {
  @ApiProperty({ description: 'Metres from the query point', example: 812.4 })
  distance: number;

  static override from(post: PostWithDistance): NearPostResponse {
    return Object.assign(new NearPostResponse(), pick(post), { distance: post.distance });
  }
}

/** Field by field, so nothing a store adds to its objects reaches a client. */
function pick(post: Post) {
  const location: GeoPointResponse = {
    type: 'Point',
    coordinates: [post.location.coordinates[0], post.location.coordinates[1]],
  };
  return {
    id: post.id,
    userId: post.userId,
    text: post.text,
    location,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
  };
}
