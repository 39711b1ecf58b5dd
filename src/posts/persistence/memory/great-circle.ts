import { EARTH_RADIUS_METRES } from '../../domain/post';

const RADIANS_PER_DEGREE = Math.PI / 180;

/**
 * Haversine distance in metres between two [lng, lat] points, on the same sphere
 * MongoDB's $geoNear uses, so both stores report the same distances.
 */
export function greatCircleDistance(from: [number, number], to: [number, number]): number {
  const [lng1, lat1] = from.map((degrees) => degrees * RADIANS_PER_DEGREE);
  const [lng2, lat2] = to.map((degrees) => degrees * RADIANS_PER_DEGREE);
  const sinHalfDLat = Math.sin((lat2 - lat1) / 2);
  const sinHalfDLng = Math.sin((lng2 - lng1) / 2);
  const h = sinHalfDLat ** 2 + Math.cos(lat1) * Math.cos(lat2) * sinHalfDLng ** 2;
  // min() guards asin against rounding just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}
