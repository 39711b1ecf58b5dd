/**
 * The coordinates rule of API.md, shared by the request DTO and the Mongo schema so
 * the two can never disagree: exactly [lng, lat], finite numbers, lng in [-180, 180],
 * lat in [-90, 90]. Strings, even numeric ones, are not numbers here.
 */
export function isLngLat(value: unknown): value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [lng, lat] = value as unknown[];
  return isFiniteNumber(lng) && isFiniteNumber(lat) && Math.abs(lng) <= 180 && Math.abs(lat) <= 90;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
