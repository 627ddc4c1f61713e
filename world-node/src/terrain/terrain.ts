/**
 * Deterministic overworld terrain: rolling hills from seeded gradient noise, a sea at y 62,
 * beaches, and oak trees that always fit inside their own chunk — so any node can generate any
 * chunk alone and get the same bytes (DESIGN.md decision 7: only changes are stored).
 *
 * Columns are built section by section into typed arrays and handed to prismarine-chunk as
 * ready-made palettes, because per-block setBlockStateId() would cost ~100k calls per column.
 */
import { createRequire } from 'node:module'
import type { ChunkColumnData } from '#shared/world-messages.ts'
import { packCompacted } from '#shared/heightmap.ts'
import { bitArrayOfWireBytes, LIGHT_SECTION_BYTES } from './light-layout.ts'
import { hash2, hash3, hashSeed, mix32, perlin2 } from './noise.ts'
import { loadChunkKit, type BitArray, type ChunkKit, type ChunkSection, type PCChunk } from './prismarine.ts'

/** Lowest block y of the overworld since 1.18. */
export const MIN_Y = -64
/** Overworld height in blocks since 1.18 (24 sections). */
export const WORLD_HEIGHT = 384
/** y of the topmost water block of the sea. */
export const SEA_LEVEL = 62

const SECTIONS = WORLD_HEIGHT >> 4
/** Light sections cover one extra section below and above the world. */
const LIGHT_SECTIONS = SECTIONS + 2
const MAX_Y = MIN_Y + WORLD_HEIGHT - 1
/** Columns whose ground is at most this high are sand (beach or sea floor), not grass. */
const BEACH_TOP = SEA_LEVEL + 2
const TREE_CANDIDATES = 3
/** Out of 256: the chance that a tree candidate grows (on grass). */
const TREE_CHANCE = 96
/** Deepest run of light-passing blocks the column light tracks below the top block. */
const LIGHT_DEPTH = 64

/** What createTerrain needs: the world seed and the cluster's game version. */
export interface TerrainOptions {
  readonly seed: string
  /** A Java Edition version minecraft-data knows, 1.18 or newer ('1.21.4', '26.1'). */
  readonly version: string
}

/** A deterministic terrain generator for one seed and game version. */
export interface Terrain {
  readonly seed: string
  readonly version: string
  readonly minY: number
  readonly worldHeight: number
  readonly seaLevel: number
  /** prismarine-registry of the version, for block and biome lookups. */
  readonly registry: any
  /**
   * The unmodified column at chunk (cx, cz), with plains biome, sky light and zero block light.
   * Identical for the same seed on every process.
   */
  generate (cx: number, cz: number): PCChunk
  /**
   * y of the highest solid block at block (x, z), counting tree logs and leaves but not water
   * (over the sea it is the sea floor). Stand a player at surfaceY + 1.
   */
  surfaceY (x: number, z: number): number
  /** Whether the ground at block (x, z) is above sea level (dry land, beaches included). */
  isLand (x: number, z: number): boolean
  /** An empty column of this version (all air, no light), e.g. to load stored data into. */
  createColumn (): PCChunk
  /** Rebuilds a column from serializeColumn's output (sections and light). */
  restore (data: ChunkColumnData): PCChunk
}

interface Tree {
  /** Trunk position inside the chunk, 2–13 so a radius-2 canopy stays inside. */
  readonly lx: number
  readonly lz: number
  readonly groundY: number
  /** Number of log blocks. */
  readonly height: number
}

interface Palette {
  readonly air: number
  readonly stone: number
  readonly dirt: number
  readonly grass: number
  readonly sand: number
  readonly water: number
  readonly bedrock: number
  readonly log: number
  readonly leaves: number
  readonly plains: number
}

const require = createRequire(import.meta.url)

/** prismarine-block's Block class per registry (building one walks the whole registry). */
const blockClasses = new WeakMap<object, any>()
function blockClassOf (registry: any): any {
  let Block = blockClasses.get(registry)
  if (Block === undefined) {
    Block = require('prismarine-block')(registry)
    blockClasses.set(registry, Block)
  }
  return Block
}

function stateOf (registry: any, name: string, properties: Record<string, string | boolean | number> = {}): number {
  const block = registry.blocksByName[name]
  if (block === undefined) throw new Error(`block ${name} is missing from ${registry.version.minecraftVersion}`)
  if (Object.keys(properties).length === 0) return block.defaultState
  return blockClassOf(registry).fromProperties(name, properties).stateId
}

function paletteOf (registry: any): Palette {
  const plains = registry.biomesByName.plains
  if (plains === undefined) throw new Error(`biome plains is missing from ${registry.version.minecraftVersion}`)
  return {
    air: stateOf(registry, 'air'),
    stone: stateOf(registry, 'stone'),
    dirt: stateOf(registry, 'dirt'),
    grass: stateOf(registry, 'grass_block', { snowy: false }),
    sand: stateOf(registry, 'sand'),
    water: stateOf(registry, 'water', { level: 0 }),
    bedrock: stateOf(registry, 'bedrock'),
    log: stateOf(registry, 'oak_log', { axis: 'y' }),
    // Persistent: nothing here simulates leaf decay, and a player's edits must not start it.
    leaves: stateOf(registry, 'oak_leaves', { distance: 1, persistent: true, waterlogged: false }),
    plains: plains.id
  }
}

/** Creates the terrain generator for a seed and game version (loads the registry: call once). */
export function createTerrain (options: TerrainOptions): Terrain {
  const kit = loadChunkKit(options.version)
  const blocks = paletteOf(kit.registry)
  const root = hashSeed(options.seed)
  const seeds = {
    continent: mix32(root ^ 0x1b873593),
    hills: mix32(root ^ 0x68e31da4),
    detail: mix32(root ^ 0xb5297a4d),
    filler: mix32(root ^ 0x1b56c4e9),
    trees: mix32(root ^ 0x7f4a7c15),
    leaves: mix32(root ^ 0x2545f491)
  }
  const isFluidState = fluidTable(kit, blocks)
  // Scratch for building palettes: state id → palette index, reset after each section.
  const paletteIndex = new Int16Array(1 << kit.maxBitsPerBlock).fill(-1)

  /** Ground height: a continent layer for seas and plains, hills, and a little roughness. */
  function groundY (x: number, z: number): number {
    const continent = perlin2(seeds.continent, x / 320, z / 320)
    const hills = perlin2(seeds.hills, x / 96, z / 96)
    const detail = perlin2(seeds.detail, x / 24, z / 24)
    const y = Math.floor(67 + continent * 26 + hills * 16 + detail * 4)
    return Math.max(MIN_Y + 8, Math.min(MAX_Y - 16, y))
  }

  function planTrees (cx: number, cz: number): Tree[] {
    const trees: Tree[] = []
    let random = hash2(seeds.trees, cx, cz)
    for (let i = 0; i < TREE_CANDIDATES; i++) {
      random = mix32(random + 0x9e3779b9)
      if ((random & 0xff) >= TREE_CHANCE) continue
      const lx = 2 + (((random >>> 8) & 0xff) % 12)
      const lz = 2 + (((random >>> 16) & 0xff) % 12)
      const height = 4 + ((random >>> 24) % 3)
      const ground = groundY(cx * 16 + lx, cz * 16 + lz)
      if (ground <= BEACH_TOP || ground + height + 2 > MAX_Y) continue
      // Keep trunks apart so canopies do not swallow a neighbour's trunk.
      if (trees.some((t) => Math.abs(t.lx - lx) < 4 && Math.abs(t.lz - lz) < 4)) continue
      trees.push({ lx, lz, groundY: ground, height })
    }
    return trees
  }

  /**
   * Calls `emit` for every leaf of the tree (vanilla oak shape: two radius-2 layers, two radius-1
   * layers on top, corners dropped at random), then its logs and the dirt under the trunk.
   */
  function forEachTreeBlock (cx: number, cz: number, tree: Tree, leaves: boolean, emit: (lx: number, y: number, lz: number, state: number) => void): void {
    const top = tree.groundY + tree.height + 1
    if (leaves) {
      for (let y = top - 3; y <= top; y++) {
        const fromTop = top - y
        const radius = fromTop <= 1 ? 1 : 2
        for (let dz = -radius; dz <= radius; dz++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const corner = Math.abs(dx) === radius && Math.abs(dz) === radius
            const lx = tree.lx + dx
            const lz = tree.lz + dz
            if (corner && (fromTop === 0 || (hash3(seeds.leaves, cx * 16 + lx, y, cz * 16 + lz) & 1) === 0)) continue
            emit(lx, y, lz, blocks.leaves)
          }
        }
      }
      return
    }
    emit(tree.lx, tree.groundY, tree.lz, blocks.dirt)
    for (let y = tree.groundY + 1; y <= tree.groundY + tree.height; y++) emit(tree.lx, y, tree.lz, blocks.log)
  }

  function sectionFromStates (states: Uint16Array): ChunkSection {
    const palette: number[] = []
    const counts: number[] = []
    for (let i = 0; i < 4096; i++) {
      const state = states[i]!
      let index = paletteIndex[state]!
      if (index < 0) {
        index = palette.length
        paletteIndex[state] = index
        palette.push(state)
        counts.push(0)
      }
      counts[index]!++
    }
    let solid = 0
    let fluid = 0
    palette.forEach((state, index) => {
      if (state !== blocks.air) solid += counts[index]!
      if (kit.hasFluidCount && isFluidState(state)) fluid += counts[index]!
    })
    const bits = Math.max(4, 32 - Math.clz32(palette.length - 1))
    let data: BitArray | null = null
    if (palette.length > 1 && bits <= 8) {
      data = new kit.BitArray({ bitsPerValue: bits, capacity: 4096 })
      packCompacted(data.data, bits, 4096, (i) => paletteIndex[states[i]!]!)
    }
    for (const state of palette) paletteIndex[state] = -1

    if (palette.length === 1) return uniformSection(palette[0]!)
    const common = { noSizePrefix: kit.noSizePrefix, hasFluidCount: kit.hasFluidCount, solidBlockCount: solid, fluidCount: fluid }
    if (data === null) {
      // More than 256 states: vanilla switches to the global palette (never happens for this terrain).
      const direct = new kit.DirectPaletteContainer({ noSizePrefix: kit.noSizePrefix, bitsPerValue: kit.maxBitsPerBlock, capacity: 4096 })
      packCompacted(direct.data.data, kit.maxBitsPerBlock, 4096, (i) => states[i]!)
      return new kit.Section({ ...common, data: direct })
    }
    return new kit.Section({
      ...common,
      data: new kit.IndirectPaletteContainer({
        noSizePrefix: kit.noSizePrefix, data, palette, maxBits: 8, maxBitsPerBlock: kit.maxBitsPerBlock
      })
    })
  }

  function uniformSection (state: number): ChunkSection {
    return new kit.Section({
      noSizePrefix: kit.noSizePrefix,
      hasFluidCount: kit.hasFluidCount,
      solidBlockCount: state === blocks.air ? 0 : 4096,
      fluidCount: kit.hasFluidCount && isFluidState(state) ? 4096 : 0,
      data: new kit.SingleValueContainer({
        noSizePrefix: kit.noSizePrefix, value: state, bitsPerValue: 4, capacity: 4096, maxBits: 8, maxBitsPerBlock: kit.maxBitsPerBlock
      })
    })
  }

  function createColumn (sections?: ChunkSection[]): PCChunk {
    const biomes = Array.from({ length: SECTIONS }, () => new kit.BiomeSection({ noSizePrefix: kit.noSizePrefix, singleValue: blocks.plains }))
    return new kit.Column(sections === undefined
      ? { minY: MIN_Y, worldHeight: WORLD_HEIGHT, biomes }
      : { minY: MIN_Y, worldHeight: WORLD_HEIGHT, sections, biomes })
  }

  function generate (cx: number, cz: number): PCChunk {
    // Per column (index x + 16·z): ground, its top and filler blocks, where stone ends.
    const ground = new Int16Array(256)
    const stoneTop = new Int16Array(256)
    const topState = new Uint16Array(256)
    const fillerState = new Uint16Array(256)
    /** Highest non-air block: ground, sea surface or tree. */
    const highest = new Int16Array(256)
    let lowestStone = MAX_Y
    for (let z = 0; z < 16; z++) {
      for (let x = 0; x < 16; x++) {
        const column = x + 16 * z
        const bx = cx * 16 + x
        const bz = cz * 16 + z
        const y = groundY(bx, bz)
        const beach = y <= BEACH_TOP
        const depth = 3 + (hash2(seeds.filler, bx, bz) & 1) // dirt (or sand) layers under the top block
        ground[column] = y
        stoneTop[column] = y - depth - 1
        topState[column] = beach ? blocks.sand : blocks.grass
        fillerState[column] = beach ? blocks.sand : blocks.dirt
        highest[column] = Math.max(y, SEA_LEVEL)
        lowestStone = Math.min(lowestStone, y - depth - 1)
      }
    }

    // Tree blocks, leaves first so that logs (written after) replace any overlapping leaf.
    const trees = planTrees(cx, cz)
    const overrides: number[] = []
    for (const leaves of [true, false]) {
      for (const tree of trees) {
        forEachTreeBlock(cx, cz, tree, leaves, (lx, y, lz, state) => {
          overrides.push(lx, y, lz, state)
          const column = lx + 16 * lz
          if (y > highest[column]!) highest[column] = y
        })
      }
    }
    let highestAny = MIN_Y
    for (let column = 0; column < 256; column++) highestAny = Math.max(highestAny, highest[column]!)

    const stateArrays: Array<Uint16Array | null> = new Array<Uint16Array | null>(SECTIONS).fill(null)
    const uniform = new Uint16Array(SECTIONS)
    for (let s = 0; s < SECTIONS; s++) {
      const y0 = MIN_Y + 16 * s
      if (y0 > highestAny) {
        uniform[s] = blocks.air
      } else if (y0 > MIN_Y && y0 + 15 <= lowestStone) {
        uniform[s] = blocks.stone
      } else {
        const states = new Uint16Array(4096)
        for (let dy = 0; dy < 16; dy++) {
          const y = y0 + dy
          for (let column = 0; column < 256; column++) {
            let state: number
            if (y === MIN_Y) state = blocks.bedrock
            else if (y <= stoneTop[column]!) state = blocks.stone
            else if (y < ground[column]!) state = fillerState[column]!
            else if (y === ground[column]!) state = topState[column]!
            else if (y <= SEA_LEVEL) state = blocks.water
            else continue // air is 0
            states[(dy << 8) | column] = state
          }
        }
        stateArrays[s] = states
      }
    }
    for (let i = 0; i < overrides.length; i += 4) {
      const [lx, y, lz, state] = [overrides[i]!, overrides[i + 1]!, overrides[i + 2]!, overrides[i + 3]!]
      const s = (y - MIN_Y) >> 4
      let states = stateArrays[s]
      if (states === undefined) continue
      if (states === null) {
        states = new Uint16Array(4096).fill(uniform[s]!)
        stateArrays[s] = states
      }
      const index = (((y - MIN_Y) & 15) << 8) | (lz << 4) | lx
      // Leaves only grow into air; logs and the dirt under them always win.
      if (state === blocks.leaves && states[index] !== blocks.air) continue
      states[index] = state
    }

    const stateAt = (column: number, y: number): number => {
      const s = (y - MIN_Y) >> 4
      const states = stateArrays[s]
      return states ? states[(((y - MIN_Y) & 15) << 8) | column]! : uniform[s]!
    }

    const sections = stateArrays.map((states, s) => states === null ? uniformSection(uniform[s]!) : sectionFromStates(states))
    const chunk = createColumn(sections)
    writeSkyLight(chunk, highest, stateAt)
    return chunk
  }

  /**
   * Column sky light: 15 above the highest block, then straight down — air keeps the level,
   * water and leaves take one off (as in vanilla), any other block stops it (0 below). Light
   * does not spread sideways, so an overhang's shadow is sharper than vanilla's.
   */
  function writeSkyLight (chunk: PCChunk, highest: Int16Array, stateAt: (column: number, y: number) => number): void {
    const below = new Uint8Array(256 * LIGHT_DEPTH)
    /** Per column: light is 0 at and below this y. */
    const darkY = new Int16Array(256)
    let lowestDark = MAX_Y
    let highestTop = MIN_Y
    for (let column = 0; column < 256; column++) {
      const top = highest[column]!
      let level = 15
      let y = top
      for (; y >= MIN_Y && top - y < LIGHT_DEPTH; y--) {
        const state = stateAt(column, y)
        if (state === blocks.water || state === blocks.leaves) level--
        else if (state !== blocks.air) level = 0
        if (level <= 0) break
        below[column * LIGHT_DEPTH + top - y] = level
      }
      darkY[column] = y
      lowestDark = Math.min(lowestDark, y)
      highestTop = Math.max(highestTop, top)
    }

    for (let i = 0; i < LIGHT_SECTIONS; i++) {
      const y0 = MIN_Y + 16 * (i - 1)
      chunk.emptyBlockLightMask.set(i, 1)
      if (y0 + 15 <= lowestDark) {
        chunk.emptySkyLightMask.set(i, 1)
        continue
      }
      const bytes = new Uint8Array(LIGHT_SECTION_BYTES)
      if (y0 > highestTop) {
        bytes.fill(0xff)
      } else {
        for (let dy = 0; dy < 16; dy++) {
          const y = y0 + dy
          for (let column = 0; column < 256; column += 2) {
            bytes[(dy << 7) | (column >> 1)] = columnLight(column, y) | (columnLight(column + 1, y) << 4)
          }
        }
      }
      chunk.skyLightSections[i] = bitArrayOfWireBytes(kit, bytes)
      chunk.skyLightMask.set(i, 1)
    }

    function columnLight (column: number, y: number): number {
      const top = highest[column]!
      if (y > top) return 15
      if (y <= darkY[column]!) return 0
      return below[column * LIGHT_DEPTH + top - y]!
    }
  }

  function surfaceY (x: number, z: number): number {
    const cx = Math.floor(x / 16)
    const cz = Math.floor(z / 16)
    const lx = x - cx * 16
    const lz = z - cz * 16
    let y = groundY(x, z)
    for (const tree of planTrees(cx, cz)) {
      for (const leaves of [true, false]) {
        forEachTreeBlock(cx, cz, tree, leaves, (tx, ty, tz) => {
          if (tx === lx && tz === lz && ty > y) y = ty
        })
      }
    }
    return y
  }

  function restore (data: ChunkColumnData): PCChunk {
    const chunk = createColumn()
    chunk.load(data.sections)
    const light = data.light
    const restoreLight = (
      arrays: ReadonlyArray<Uint8Array | readonly number[]>, mask: ReadonlyArray<readonly [number, number]>,
      empty: ReadonlyArray<readonly [number, number]>, target: 'sky' | 'block'
    ): void => {
      const maskBits = longBits(mask)
      const emptyBits = longBits(empty)
      let next = 0
      for (let i = 0; i < LIGHT_SECTIONS; i++) {
        if (maskBits(i)) {
          const bytes = Uint8Array.from(arrays[next++] ?? [])
          const section = bitArrayOfWireBytes(kit, bytes)
          if (target === 'sky') { chunk.skyLightSections[i] = section; chunk.skyLightMask.set(i, 1) } else { chunk.blockLightSections[i] = section; chunk.blockLightMask.set(i, 1) }
        } else if (emptyBits(i)) {
          if (target === 'sky') chunk.emptySkyLightMask.set(i, 1)
          else chunk.emptyBlockLightMask.set(i, 1)
        }
      }
    }
    restoreLight(light.skyLight, light.skyLightMask, light.emptySkyLightMask, 'sky')
    restoreLight(light.blockLight, light.blockLightMask, light.emptyBlockLightMask, 'block')
    return chunk
  }

  return {
    seed: options.seed,
    version: options.version,
    minY: MIN_Y,
    worldHeight: WORLD_HEIGHT,
    seaLevel: SEA_LEVEL,
    registry: kit.registry,
    generate,
    surfaceY,
    isLand: (x, z) => groundY(x, z) > SEA_LEVEL,
    createColumn: () => createColumn(),
    restore
  }
}

/** Reads bit i of a mask given as [high, low] long pairs. */
function longBits (mask: ReadonlyArray<readonly [number, number]>): (i: number) => boolean {
  return (i) => {
    const long = mask[i >> 6]
    if (long === undefined) return false
    const bit = i & 63
    return bit >= 32 ? ((long[0] >>> (bit - 32)) & 1) === 1 : ((long[1] >>> bit) & 1) === 1
  }
}

/** Whether a state counts towards 26.1's per-section fluid count, as prismarine-chunk counts it. */
function fluidTable (kit: ChunkKit, blocks: Palette): (state: number) => boolean {
  const Block = blockClassOf(kit.registry)
  const known = new Map<number, boolean>([[blocks.water, true], [blocks.air, false]])
  return (state) => {
    let fluid = known.get(state)
    if (fluid === undefined) {
      const block = Block.fromStateId(state)
      fluid = block.name === 'water' || block.name === 'lava' || block.isWaterlogged === true
      known.set(state, fluid)
    }
    return fluid
  }
}
