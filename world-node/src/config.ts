/**
 * World-node configuration: the only reader of the environment for this service. Every
 * problem is collected and reported at once (STYLE rule 10).
 */
import minecraftData from 'minecraft-data'
import { EnvReader, type Env } from '#shared/env.ts'
import { toNodeId, type NodeId } from '#shared/ids.ts'
import { parseSentinels, type RedisTarget } from '#shared/cluster/redis-connection.ts'
import { MIN_CLUSTER_SECRET_BYTES } from '#shared/cluster/tcp-link.ts'

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
  /**
   * WORLD_PAUSE_WHEN_EMPTY_S: seconds without players after which the node stops ticking until
   * someone arrives, as vanilla's pause-when-empty-seconds (0: never).
   */
  readonly pauseWhenEmptyS: number
  /** TESSERA_LOG_LEVEL. */
  readonly logLevel: typeof LOG_LEVELS[number]
  /** TESSERA_METRICS_PORT: Prometheus /metrics on 127.0.0.1 (0 off; distributed mode's own endpoint). */
  readonly metricsPort: number
  /** Distributed mode, selected by TESSERA_REDIS_URL or TESSERA_REDIS_SENTINELS; null when embedded. */
  readonly cluster: ClusterConfig | null
}

/** Settings of distributed mode. */
export interface ClusterConfig {
  /** TESSERA_REDIS_URL, or TESSERA_REDIS_SENTINELS + TESSERA_REDIS_NAME. */
  readonly redis: RedisTarget
  /** TESSERA_REDIS_PASSWORD. */
  readonly redisPassword: string | undefined
  /** TESSERA_CLUSTER_SECRET: HMAC key of the gateway links (required). */
  readonly secret: string
  /** WORLD_LINK_HOST: interface the link listener binds (default 0.0.0.0). */
  readonly linkHost: string
  /** WORLD_LINK_PORT: link port (default 25600; 0 picks a free one). */
  readonly linkPort: number
  /** WORLD_ADVERTISE_HOST: the host gateways dial (default 127.0.0.1). */
  readonly advertiseHost: string
  /** WORLD_LEASE_TTL_MS: region lease time to live; renewed every third of it (default 5000). */
  readonly leaseTtlMs: number
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

/**
 * Reads and validates the world-node settings; throws one ConfigError listing every problem.
 * `embedded` (the all-in-one launcher) ignores the Redis settings: that node owns every region.
 */
export function readWorldNodeConfig (env: Env, options: { readonly embedded?: boolean } = {}): WorldNodeConfig {
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
    pauseWhenEmptyS: read.int('WORLD_PAUSE_WHEN_EMPTY_S', 60, 0, 86_400),
    logLevel: read.oneOf('TESSERA_LOG_LEVEL', 'info', LOG_LEVELS),
    metricsPort: read.int('TESSERA_METRICS_PORT', 9464, 0, 65_535),
    cluster: options.embedded === true ? null : readClusterConfig(read)
  }
  read.done('world-node')
  return config
}

/** Distributed-mode settings, or null when no Redis is configured (embedded mode). */
function readClusterConfig (read: EnvReader): ClusterConfig | null {
  const url = read.optional('TESSERA_REDIS_URL')
  const sentinelList = read.optional('TESSERA_REDIS_SENTINELS')
  if (url === undefined && sentinelList === undefined) return null
  let redis: RedisTarget = { url: url ?? 'redis://127.0.0.1:6379' }
  if (url !== undefined && sentinelList !== undefined) read.check(false, 'TESSERA_REDIS_URL and TESSERA_REDIS_SENTINELS: set one, not both')
  if (url !== undefined) read.check(/^rediss?:\/\//.test(url), `TESSERA_REDIS_URL=${JSON.stringify(url)}: expected redis://host:port`)
  if (sentinelList !== undefined) {
    try {
      redis = { sentinels: parseSentinels(sentinelList), name: read.string('TESSERA_REDIS_NAME', 'tessera') }
    } catch (err) {
      read.check(false, `TESSERA_REDIS_SENTINELS=${JSON.stringify(sentinelList)}: ${(err as Error).message}`)
    }
  }
  const secret = read.optional('TESSERA_CLUSTER_SECRET') ?? ''
  read.check(Buffer.byteLength(secret) >= MIN_CLUSTER_SECRET_BYTES, `TESSERA_CLUSTER_SECRET: required in distributed mode, at least ${MIN_CLUSTER_SECRET_BYTES} bytes`)
  return {
    redis,
    redisPassword: read.optional('TESSERA_REDIS_PASSWORD'),
    secret,
    linkHost: read.string('WORLD_LINK_HOST', '0.0.0.0'),
    linkPort: read.int('WORLD_LINK_PORT', 25_600, 0, 65_535),
    advertiseHost: read.string('WORLD_ADVERTISE_HOST', '127.0.0.1'),
    leaseTtlMs: read.int('WORLD_LEASE_TTL_MS', 5000, 300, 600_000)
  }
}
