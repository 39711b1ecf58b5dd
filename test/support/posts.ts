import { ApiClient } from './client';

/** Helpers for the /posts specs. Shapes follow API.md. */

export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}

export interface PostBody {
  id: string;
  userId: string;
  text: string;
  location: GeoPoint;
  createdAt: string;
  updatedAt: string;
}

export interface NearPostBody extends PostBody {
  distance: number;
}

/** The radius MongoDB uses for spherical distances; the memory store uses it too (API.md: metres). */
export const SPHERE_RADIUS_METRES = 6378100;

/** Metres along a meridian on that sphere, per degree of latitude (≈ 111319.49). */
export const METRES_PER_DEGREE = (SPHERE_RADIUS_METRES * Math.PI) / 180;

export const OBJECT_ID = /^[0-9a-f]{24}$/;

export function point(lng: number, lat: number): GeoPoint {
  return { type: 'Point', coordinates: [lng, lat] };
}

/** The point `metres` north of [lng, lat] (exact on the sphere: the distance is along a meridian). */
export function north(lng: number, lat: number, metres: number): GeoPoint {
  return point(lng, lat + metres / METRES_PER_DEGREE);
}

/**
 * A fresh spot on the equator for each call, ~780 km from every other one: farther than the
 * largest maxDistance (100 km), so a near query only ever sees the posts of its own test.
 */
let regions = 0;
export function freshRegion(): [number, number] {
  const lng = -175 + 7 * (regions++ % 50);
  return [lng, 0];
}

export async function createPost(client: ApiClient, text: string, location: GeoPoint): Promise<PostBody> {
  const res = await client.post('/posts').send({ text, location }).expect(201);
  return res.body as PostBody;
}

/** Every post in the store, newest first, walking `before` pages of 100. */
export async function listAllPosts(client: ApiClient): Promise<PostBody[]> {
  const all: PostBody[] = [];
  for (;;) {
    const before = all.length > 0 ? `&before=${all[all.length - 1].id}` : '';
    const res = await client.get(`/posts?limit=100${before}`).expect(200);
    const page = res.body as PostBody[];
    all.push(...page);
    if (page.length < 100) return all;
  }
}

export async function countPosts(client: ApiClient): Promise<number> {
  return (await listAllPosts(client)).length;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
