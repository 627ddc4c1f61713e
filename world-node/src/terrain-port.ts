/**
 * What the world-node needs of the terrain generator (world-node/src/terrain/): generated
 * columns it can edit and serialize, and the surface for spawning. Tests may pass their own.
 */
import type { ChunkColumnData } from '#shared/world-messages.ts'
import { createTerrain, serializeColumn, type PCChunk } from './terrain/index.ts'

/** A block position inside a column: x and z 0–15, y absolute. */
export interface ColumnPos { readonly x: number, readonly y: number, readonly z: number }

/** A generated chunk column (a prismarine-chunk PCChunk). */
export interface TerrainColumn {
  getBlockStateId (pos: ColumnPos): number
  setBlockStateId (pos: ColumnPos, stateId: number): unknown
}

/** Deterministic terrain: the same seed and version give the same blocks on every node. */
export interface WorldTerrain {
  generate (cx: number, cz: number): TerrainColumn
  serialize (column: TerrainColumn, cx: number, cz: number, revision: number): ChunkColumnData
  /** y of the highest solid block of column x, z. */
  surfaceY (x: number, z: number): number
  /** False where the surface is water. */
  isLand (x: number, z: number): boolean
}

/** The production terrain: helper module world-node/src/terrain/. */
export function createWorldTerrain (seed: string, version: string): WorldTerrain {
  const terrain = createTerrain({ seed, version })
  return {
    generate: (cx, cz) => terrain.generate(cx, cz),
    serialize: (column, cx, cz, revision) => serializeColumn(column as PCChunk, cx, cz, revision),
    surfaceY: (x, z) => terrain.surfaceY(x, z),
    isLand: (x, z) => terrain.isLand(x, z)
  }
}
