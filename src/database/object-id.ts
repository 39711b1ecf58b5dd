/**
 * True for the 24-hex-digit spelling of an ObjectId, the only id format of API.md.
 * Stricter than ObjectId.isValid / mongoose.isValidObjectId, which also accept
 * 12-byte strings and numbers.
 */
export function isObjectIdHex(value: string): boolean {
  return /^[0-9a-f]{24}$/i.test(value);
}
