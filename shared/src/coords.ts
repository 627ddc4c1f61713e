/**
 * Coordinates: blocks, chunks (16×16 columns) and regions (R×R chunks). Pure functions only.
 */
import type { ChunkKey, RegionId } from './ids.ts'

/** A chunk column position. */
export interface ChunkPos { readonly x: number, readonly z: number }
/** An integer block position. */
export interface BlockPos { readonly x: number, readonly y: number, readonly z: number }

/** The key of the chunk column at chunk coordinates (x, z). */
export function chunkKey (x: number, z: number): ChunkKey {
  return `${x},${z}` as ChunkKey
}

/** Inverse of chunkKey. */
export function parseChunkKey (key: ChunkKey): ChunkPos {
  const comma = key.indexOf(',')
  return { x: Number(key.slice(0, comma)), z: Number(key.slice(comma + 1)) }
}

/** The chunk column that holds block (or entity) coordinate x, z. */
export function chunkOf (x: number, z: number): ChunkPos {
  return { x: Math.floor(x / 16), z: Math.floor(z / 16) }
}

/** The key of the chunk column holding world position x, z. */
export function chunkKeyAt (x: number, z: number): ChunkKey {
  return chunkKey(Math.floor(x / 16), Math.floor(z / 16))
}

/** The region holding chunk (cx, cz) when regions are size×size chunks. */
export function regionOfChunk (cx: number, cz: number, size: number): RegionId {
  return `r.${Math.floor(cx / size)}.${Math.floor(cz / size)}` as RegionId
}

/** Every chunk within `radius` (Chebyshev distance) of centre, nearest first. */
export function chunksAround (centre: ChunkPos, radius: number): ChunkPos[] {
  const out: ChunkPos[] = []
  for (let dx = -radius; dx <= radius; dx++) {
    for (let dz = -radius; dz <= radius; dz++) out.push({ x: centre.x + dx, z: centre.z + dz })
  }
  out.sort((a, b) => distance2(a, centre) - distance2(b, centre))
  return out
}

function distance2 (a: ChunkPos, b: ChunkPos): number {
  return (a.x - b.x) ** 2 + (a.z - b.z) ** 2
}
