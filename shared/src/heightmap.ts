/**
 * The protocol's "compacted" long arrays (1.16+): entries of a fixed bit width, least significant
 * bits first, as many as fit whole in each 64-bit long (none spans two longs). Heightmaps use it
 * on the wire; chunk sections use it for their block palettes. Computed by world-nodes and sent by
 * gateways, so it lives here once. Pure arithmetic, no I/O.
 * https://minecraft.wiki/w/Java_Edition_protocol/Chunk_format#Heightmaps_structure
 */

/**
 * ORs `count` entries (`valueAt(i)`, already within `bits` bits) into longs stored as [low, high]
 * 32-bit words: words[2k] is the low half of long k.
 */
export function packCompacted (words: Uint32Array, bits: number, count: number, valueAt: (i: number) => number): void {
  const perLong = Math.floor(64 / bits)
  for (let i = 0; i < count; i++) {
    const value = valueAt(i)
    const long = Math.floor(i / perLong)
    const offset = (i - long * perLong) * bits
    if (offset >= 32) {
      words[2 * long + 1]! |= value << (offset - 32)
      continue
    }
    words[2 * long]! |= value << offset
    // An entry straddling bit 32 of its long continues in the high word.
    if (offset + bits > 32) words[2 * long + 1]! |= value >>> (32 - offset)
  }
}

/**
 * Packs 256 heights (index x + 16·z) into the long array of a heightmap: ceil(log2(worldHeight + 1))
 * bits per entry (7 entries per long and 37 longs for a 384-block world). Longs come as
 * [high, low] signed 32-bit halves, the i64 form minecraft-protocol reads and writes.
 */
export function packHeightmap (heightmap: readonly number[], worldHeight: number): Array<[number, number]> {
  const bits = 32 - Math.clz32(worldHeight)
  const mask = (1 << bits) - 1
  const longs = Math.ceil(heightmap.length / Math.floor(64 / bits))
  const words = new Uint32Array(2 * longs)
  packCompacted(words, bits, heightmap.length, (i) => (heightmap[i] ?? 0) & mask)
  const out: Array<[number, number]> = []
  for (let long = 0; long < longs; long++) out.push([words[2 * long + 1]! | 0, words[2 * long]! | 0])
  return out
}
