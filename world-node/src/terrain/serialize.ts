/**
 * Turning a prismarine-chunk column into the ChunkColumnData a world-node sends to gateways, and
 * packing heightmaps the way the Chunk Data and Update Light packet wants them.
 * Protocol reference: https://minecraft.wiki/w/Java_Edition_protocol/Chunk_format
 */
import type { ChunkColumnData, ChunkLight } from '#shared/world-messages.ts'
import { wireBytesOf } from './light-layout.ts'
import type { BitArray, PCChunk } from './prismarine.ts'

/** Blocks that hold a fluid without being one (they count as motion blocking, like water). */
const ALWAYS_WATERLOGGED = new Set(['water', 'lava', 'bubble_column', 'kelp', 'kelp_plant', 'seagrass', 'tall_seagrass'])

/** Per column class (one per game version): state id → 1 motion blocking, 0 not, -1 unknown yet. */
const motionBlockingByClass = new WeakMap<object, Int8Array>()

/** Vanilla MOTION_BLOCKING: the state has a collision box or contains a fluid. */
function isMotionBlocking (chunk: PCChunk, stateId: number, x: number, y: number, z: number): boolean {
  let table = motionBlockingByClass.get(chunk.constructor)
  if (table === undefined) {
    table = new Int8Array(1 << 16).fill(-1)
    motionBlockingByClass.set(chunk.constructor, table)
  }
  const known = table[stateId]
  if (known !== undefined && known >= 0) return known === 1
  // First sighting of this state: ask prismarine-block once, at a position that holds it.
  const block = chunk.getBlock({ x, y, z })
  const blocking = block.boundingBox === 'block' || ALWAYS_WATERLOGGED.has(block.name) || block.isWaterlogged === true
  table[stateId] = blocking ? 1 : 0
  return blocking
}

/**
 * Height of the highest motion-blocking block + 1 per column, relative to minY (0 when the
 * column has none); index x + 16·z. Scans each column down from the highest non-empty section.
 */
export function computeHeightmap (chunk: PCChunk): number[] {
  const heightmap = new Array<number>(256).fill(0)
  let unresolved = 256
  for (let s = chunk.sections.length - 1; s >= 0 && unresolved > 0; s--) {
    const section = chunk.sections[s]
    if (section === undefined || section.isEmpty()) continue
    const sectionY = chunk.minY + 16 * s
    for (let column = 0; column < 256; column++) {
      if (heightmap[column] !== 0) continue
      for (let dy = 15; dy >= 0; dy--) {
        const stateId = section.data.get((dy << 8) | column)
        if (stateId === 0) continue
        if (!isMotionBlocking(chunk, stateId, column & 15, sectionY + dy, column >> 4)) continue
        heightmap[column] = 16 * s + dy + 1
        unresolved--
        break
      }
    }
  }
  return heightmap
}

/**
 * The light of a column as the Chunk Data packet carries it: prismarine's masks, and one
 * 2048-byte array per set mask bit, in vanilla nibble order (see light-layout.ts for why this
 * does not use the arrays of prismarine's dumpLight()).
 */
export function dumpColumnLight (chunk: PCChunk): ChunkLight {
  const arrays = (sections: Array<BitArray | null>, mask: BitArray): Uint8Array[] => {
    const out: Uint8Array[] = []
    sections.forEach((section, index) => {
      if (section !== null && mask.get(index) === 1) out.push(wireBytesOf(section))
    })
    return out
  }
  // prismarine's setSkyLight()/setBlockLight() light a section without clearing its "empty" bit;
  // the client would let the data win anyway, but the packet should say one thing per section.
  const withoutLit = (empty: BitArray, lit: BitArray): Array<[number, number]> => {
    const litLongs = lit.toLongArray()
    return empty.toLongArray().map(([high, low], i) => [high & ~(litLongs[i]?.[0] ?? 0), low & ~(litLongs[i]?.[1] ?? 0)])
  }
  return {
    skyLightMask: chunk.skyLightMask.toLongArray(),
    blockLightMask: chunk.blockLightMask.toLongArray(),
    emptySkyLightMask: withoutLit(chunk.emptySkyLightMask, chunk.skyLightMask),
    emptyBlockLightMask: withoutLit(chunk.emptyBlockLightMask, chunk.blockLightMask),
    skyLight: arrays(chunk.skyLightSections, chunk.skyLightMask),
    blockLight: arrays(chunk.blockLightSections, chunk.blockLightMask)
  }
}

/**
 * A column ready to send: prismarine's dump() of the sections (the cluster version's wire
 * format), the MOTION_BLOCKING heightmap and the light. Copies everything, so later edits of
 * `chunk` do not change the result.
 */
export function serializeColumn (chunk: PCChunk, cx: number, cz: number, revision: number): ChunkColumnData {
  return {
    x: cx,
    z: cz,
    revision,
    sections: chunk.dump(),
    heightmap: computeHeightmap(chunk),
    light: dumpColumnLight(chunk)
  }
}
