/**
 * Typed access to prismarine-chunk's 1.18+ chunk column. The package's own typings describe the
 * pre-1.18 API (dumpLight() returning a Buffer, no minY), so the shapes the terrain code relies
 * on are declared here once, and the untyped require happens in this file only.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** A block position inside a chunk column: x and z in 0–15, y absolute (minY ≤ y < minY + height). */
export interface ColumnPos { x: number, y: number, z: number }

/** A [high, low] pair of signed 32-bit halves: how minecraft-protocol represents an i64. */
export type LongPair = [number, number]

/** What prismarine-chunk's 1.18+ dumpLight() returns. Light arrays are prismarine's long layout. */
export interface PrismarineLight {
  skyLight: Uint8Array[]
  blockLight: Uint8Array[]
  skyLightMask: LongPair[]
  blockLightMask: LongPair[]
  emptySkyLightMask: LongPair[]
  emptyBlockLightMask: LongPair[]
}

/** prismarine-chunk's BitArrayNoSpan: values packed into longs stored as [low, high] uint32 pairs. */
export interface BitArray {
  data: Uint32Array
  readonly capacity: number
  readonly bitsPerValue: number
  get (index: number): number
  set (index: number, value: number): void
  toLongArray (): LongPair[]
}

/** A palette container of a block or biome section (single value, indirect or direct). */
export interface PaletteContainer {
  get (index: number): number
}

/** The part of a prismarine-block Block that the heightmap needs. */
export interface BlockInfo {
  readonly name: string
  /** 'block' when the state has a collision box, 'empty' otherwise (air, fluids, plants). */
  readonly boundingBox: string
  readonly isWaterlogged?: boolean
}

/** One 16×16×16 block section of a column. */
export interface ChunkSection {
  data: PaletteContainer
  solidBlockCount: number
  isEmpty (): boolean
}

/**
 * A prismarine-chunk 1.18+ column (the class `prismarine-chunk` returns for 1.18 through 26.1).
 * The methods are prismarine's; the fields are its internals that serialization reads directly.
 */
export interface PCChunk {
  readonly minY: number
  readonly worldHeight: number
  readonly numSections: number
  sections: ChunkSection[]
  skyLightSections: Array<BitArray | null>
  blockLightSections: Array<BitArray | null>
  skyLightMask: BitArray
  emptySkyLightMask: BitArray
  blockLightMask: BitArray
  emptyBlockLightMask: BitArray
  getBlock (pos: ColumnPos): BlockInfo
  getBlockStateId (pos: ColumnPos): number
  setBlockStateId (pos: ColumnPos, stateId: number): void
  getSkyLight (pos: ColumnPos): number
  setSkyLight (pos: ColumnPos, light: number): void
  getBlockLight (pos: ColumnPos): number
  setBlockLight (pos: ColumnPos, light: number): void
  getBiome (pos: ColumnPos): number
  setBiome (pos: ColumnPos, biomeId: number): void
  /** Block sections and biomes, in the wire format of the column's game version. */
  dump (): Buffer
  load (data: Uint8Array): void
  dumpLight (): PrismarineLight
  loadParsedLight (
    skyLight: ReadonlyArray<Uint8Array | readonly number[]>, blockLight: ReadonlyArray<Uint8Array | readonly number[]>,
    skyLightMask: ReadonlyArray<readonly [number, number]>, blockLightMask: ReadonlyArray<readonly [number, number]>,
    emptySkyLightMask: ReadonlyArray<readonly [number, number]>, emptyBlockLightMask: ReadonlyArray<readonly [number, number]>
  ): void
}

/** Options of prismarine's column constructor (all optional; omitted parts are created empty). */
export interface ColumnOptions {
  minY: number
  worldHeight: number
  sections?: ChunkSection[]
  biomes?: unknown[]
}

/** Everything needed to build columns of one game version without per-block calls. */
export interface ChunkKit {
  readonly registry: any
  readonly Column: new (options: ColumnOptions) => PCChunk
  readonly Section: new (options: object) => ChunkSection
  readonly BiomeSection: new (options: object) => unknown
  readonly BitArray: new (options: { bitsPerValue: number, capacity: number, data?: ArrayBufferLike }) => BitArray
  readonly SingleValueContainer: new (options: object) => PaletteContainer
  readonly IndirectPaletteContainer: new (options: object) => PaletteContainer
  readonly DirectPaletteContainer: new (options: object) => PaletteContainer & { data: BitArray }
  /** 1.21.5+ omits the data-array length prefix of paletted containers. */
  readonly noSizePrefix: boolean
  /** 26.1+ writes a fluid count after the non-air block count of each section. */
  readonly hasFluidCount: boolean
  /** Bits of the global palette (direct container) for block states of this version. */
  readonly maxBitsPerBlock: number
}

/** Loads prismarine-chunk and its section internals for one game version (slow: call once). */
export function loadChunkKit (version: string): ChunkKit {
  const registry = require('prismarine-registry')(version)
  if (registry.version?.type !== 'pc' || !registry.version['>=']('1.18')) {
    throw new Error(`terrain needs a Java Edition version 1.18 or newer, got ${version}`)
  }
  const Column = require('prismarine-chunk')(registry)
  const containers = require('prismarine-chunk/src/pc/common/PaletteContainer.js')
  const template = new Column({ minY: 0, worldHeight: 16 })
  return {
    registry,
    Column,
    Section: Column.section,
    BiomeSection: require('prismarine-chunk/src/pc/common/PaletteBiome.js'),
    BitArray: require('prismarine-chunk/src/pc/common/BitArrayNoSpan.js'),
    SingleValueContainer: containers.SingleValueContainer,
    IndirectPaletteContainer: containers.IndirectPaletteContainer,
    DirectPaletteContainer: containers.DirectPaletteContainer,
    noSizePrefix: registry.version['>=']('1.21.5'),
    hasFluidCount: registry.version['>=']('26.1'),
    maxBitsPerBlock: template.maxBitsPerBlock
  }
}
