/**
 * The cluster version's registry as the game rules need it: block and item lookups by name and
 * state id, drops, what a placement may replace, and the world's height range.
 */
import minecraftData from 'minecraft-data'

/** The slice of a minecraft-data block the rules read. */
export interface BlockInfo {
  readonly name: string
  readonly hardness: number | null
  readonly defaultState: number
  readonly boundingBox: string
}

/** Lookups over minecraft-data for one game version. */
export interface GameData {
  readonly version: string
  /** Lowest buildable y. */
  readonly minY: number
  /** Number of buildable y levels. */
  readonly worldHeight: number
  readonly airStateId: number
  /** The block a state id belongs to, if any. */
  blockOf (stateId: number): BlockInfo | undefined
  /** The block of this name, if any. */
  blockByName (name: string): BlockInfo | undefined
  /** air, cave_air or void_air. */
  isAir (stateId: number): boolean
  /** A placement may overwrite this block (air, fluids, grass, …). */
  isReplaceable (stateId: number): boolean
  /** Item names a broken block yields (minecraft-data `drops`, one of each). */
  dropsOf (stateId: number): string[]
  /** Max stack size of an item, or undefined when no such item exists. */
  stackSizeOf (itemName: string): number | undefined
}

const AIR = new Set(['air', 'cave_air', 'void_air'])

/** Blocks a placed block replaces, as vanilla's `replaceable` block tag and material say. */
const REPLACEABLE = new Set([
  'air', 'cave_air', 'void_air', 'water', 'lava', 'short_grass', 'tall_grass', 'fern', 'large_fern',
  'dead_bush', 'seagrass', 'tall_seagrass', 'vine', 'glow_lichen', 'snow', 'fire', 'soul_fire',
  'structure_void', 'light', 'crimson_roots', 'warped_roots', 'nether_sprouts', 'hanging_roots', 'bubble_column'
])

type DropEntry = number | { drop: number | { id: number } }

/** Builds the lookups for one game version (must be one minecraft-data supports). */
export function createGameData (version: string): GameData {
  const md = minecraftData(version)
  const modernHeight = md.version['>=']('1.18')
  const plantNamedGrass = md.blocksByName.grass_block !== undefined
  const airStateId = md.blocksByName.air?.defaultState ?? 0

  function blockOf (stateId: number): BlockInfo | undefined {
    return md.blocksByStateId[stateId]
  }

  return {
    version,
    minY: modernHeight ? -64 : 0,
    worldHeight: modernHeight ? 384 : 256,
    airStateId,
    blockOf,
    blockByName: (name) => md.blocksByName[name],
    isAir: (stateId) => AIR.has(blockOf(stateId)?.name ?? ''),
    isReplaceable (stateId) {
      const name = blockOf(stateId)?.name
      if (name === undefined) return false
      // Before 1.20.3 the short plant was called `grass`; the full block is grass_block.
      return REPLACEABLE.has(name) || (name === 'grass' && plantNamedGrass)
    },
    dropsOf (stateId) {
      const block = md.blocksByStateId[stateId]
      if (block === undefined) return []
      const names: string[] = []
      for (const entry of block.drops as unknown as DropEntry[]) {
        const id = typeof entry === 'number' ? entry : typeof entry.drop === 'number' ? entry.drop : entry.drop.id
        const item = md.items[id]
        if (item !== undefined) names.push(item.name)
      }
      return names
    },
    stackSizeOf: (itemName) => md.itemsByName[itemName]?.stackSize
  }
}
