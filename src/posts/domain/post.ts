/** GeoJSON Point: coordinates are [longitude, latitude], in that order. */
export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}

export interface Post {
  id: string;
  userId: string;
  text: string;
  location: GeoPoint;
  createdAt: Date;
  updatedAt: Date;
}

/** A post found by proximity: `distance` is in metres from the query point. */
export interface PostWithDistance extends Post {
  distance: number;
}

export type NewPost = Pick<Post, 'userId' | 'text' | 'location'>;
export type PostPatch = Partial<Pick<Post, 'text' | 'location'>>;

export interface ListPostsQuery {
  limit: number;
  /** Id of the last post of the previous page: the page holds strictly older posts. */
  before?: string;
}

export interface NearQuery {
  lng: number;
  lat: number;
  /** Metres. */
  maxDistance: number;
  limit: number;
}

/**
 * The radius MongoDB uses for spherical ($geoNear / 2dsphere) distances, in metres.
 * The memory adapter uses the same sphere so both stores return the same distances.
 */
export const EARTH_RADIUS_METRES = 6378100;
