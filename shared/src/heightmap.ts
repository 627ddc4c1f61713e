/**
 * Heightmaps packed as the protocol expects. Computed by world-nodes (terrain tests) and sent
 * by gateways (map_chunk), so it lives here once. Pure arithmetic, no I/O.
 * https://minecraft.wiki/w/Java_Edition_protocol/Chunk_format#Heightmaps_structure
 */

/**
 * Packs 256 heights (index x + 16·z) into the long array of a heightmap: ceil(log2(worldHeight + 1))
 * bits per entry, least significant bits first, entries never spanning two longs (the 1.16+
 * "compacted" layout: 7 entries per long and 37 longs for a 384-block world). Longs come as
 * [high, low] signed 32-bit halves, the i64 form minecraft-protocol reads and writes.
 */
export function packHeightmap (heightmap: readonly number[], worldHeight: number): Array<[number, number]> {
  const bits = 32 - Math.clz32(worldHeight)
  const perLong = Math.floor(64 / bits)
  const mask = (1 << bits) - 1
  const longs = Math.ceil(heightmap.length / perLong)
  const words = new Uint32Array(2 * longs)
  for (let i = 0; i < heightmap.length; i++) {
    const value = (heightmap[i] ?? 0) & mask
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
  const out: Array<[number, number]> = []
  for (let long = 0; long < longs; long++) out.push([words[2 * long + 1]! | 0, words[2 * long]! | 0])
  return out
}
