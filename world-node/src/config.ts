/**
 * World-node configuration: the only reader of the environment for this service. Every
 * problem is collected and reported at once (STYLE rule 10).
 */
import minecraftData from 'minecraft-data'
import { EnvReader, type Env } from '#shared/env.ts'
import { toNodeId, type NodeId } from '#shared/ids.ts'

/** Log levels pino understands. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Typed, validated world-node settings. */
export interface WorldNodeConfig {
  /** WORLD_SEED: terrain seed; every node of a cluster must use the same one. */
  readonly seed: string
  /** WORLD_VIEW_DISTANCE: chunks, 2–32. */
  readonly viewDistance: number
  /** WORLD_VERSION: the cluster's game version (state ids and chunk format follow it). */
  readonly version: string
  /** TESSERA_DATA_DIR: where the embedded store keeps its files. */
  readonly dataDir: string
  /** WORLD_NODE_ID: this node's identity in the cluster. */
  readonly nodeId: NodeId
  /** WORLD_REGION_SIZE: chunks per region side, 1–64 (embedded mode owns all regions). */
  readonly regionSize: number
  /** WORLD_SPAWN_X: block x new players spawn near. */
  readonly spawnX: number
  /** WORLD_SPAWN_Z: block z new players spawn near. */
  readonly spawnZ: number
  /** TESSERA_LOG_LEVEL. */
  readonly logLevel: typeof LOG_LEVELS[number]
}

/** True when minecraft-data knows this Java Edition version. */
function isSupportedVersion (version: string): boolean {
  try {
    const data = minecraftData(version) as ReturnType<typeof minecraftData> | undefined
    return data !== undefined && data.version.type === 'pc' && data.blocksByName.air !== undefined
  } catch {
    return false
  }
}

/** Reads and validates the world-node settings; throws one ConfigError listing every problem. */
export function readWorldNodeConfig (env: Env): WorldNodeConfig {
  const read = new EnvReader(env)
  const version = read.string('WORLD_VERSION', '1.21.4')
  read.check(isSupportedVersion(version), `WORLD_VERSION=${JSON.stringify(version)}: not a Java Edition version minecraft-data supports`)
  const rawNodeId = read.string('WORLD_NODE_ID', 'world-1')
  let nodeId = 'world-1' as NodeId
  try {
    nodeId = toNodeId(rawNodeId)
  } catch {
    read.check(false, `WORLD_NODE_ID=${JSON.stringify(rawNodeId)}: expected 1–64 characters of A-Z, a-z, 0-9, _ . : -`)
  }
  const seed = read.string('WORLD_SEED', 'tessera')
  const config: WorldNodeConfig = {
    seed,
    viewDistance: read.int('WORLD_VIEW_DISTANCE', 8, 2, 32),
    version,
    dataDir: read.string('TESSERA_DATA_DIR', './data'),
    nodeId,
    regionSize: read.int('WORLD_REGION_SIZE', 16, 1, 64),
    spawnX: read.int('WORLD_SPAWN_X', 0, -29_999_984, 29_999_984),
    spawnZ: read.int('WORLD_SPAWN_Z', 0, -29_999_984, 29_999_984),
    logLevel: read.oneOf('TESSERA_LOG_LEVEL', 'info', LOG_LEVELS)
  }
  read.done('world-node')
  return config
}
