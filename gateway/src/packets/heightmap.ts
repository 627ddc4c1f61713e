/**
 * Heightmaps packed as the protocol expects: entries of ceil(log2(height + 1)) bits, as many
 * as fit whole in each 64-bit long (no entry spans two longs), least significant bits first.
 * https://minecraft.wiki/w/Java_Edition_protocol/Chunk_format#Heightmaps_structure
 */

/** Packs 256 column heights into [high, low] signed 32-bit pairs, one per long. */
export function packHeightmap (heights: readonly number[], worldHeight: number): Array<[number, number]> {
  const bits = Math.ceil(Math.log2(worldHeight + 1))
  const perLong = Math.floor(64 / bits)
  const longs: Array<[number, number]> = []
  const mask = (1n << BigInt(bits)) - 1n
  for (let start = 0; start < heights.length; start += perLong) {
    let value = 0n
    for (let i = 0; i < perLong && start + i < heights.length; i++) {
      value |= (BigInt(heights[start + i]!) & mask) << BigInt(i * bits)
    }
    longs.push([Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asIntN(32, value))])
  }
  return longs
}
