/**
 * Distributed mode: a world-node wired to Redis and real links. Region ownership by leases and
 * placement (leased-regions.ts), the fenced Redis store (redis-world-store.ts), membership as
 * role 'world-node' at WORLD_ADVERTISE_HOST:port, HMAC-authenticated gateway links, entity ids
 * from a cluster-wide counter, the world age from one world start stored once in Redis, and log
 * compaction on a node-cron schedule. drain() is the SIGTERM path: leave the membership so
 * placement moves every region elsewhere, give regions up one at a time (their players are
 * handed off), then stop.
 */
import cron, { type ScheduledTask } from 'node-cron'
import type { Registry } from 'prom-client'
import { isGatewayToNode } from '#shared/cluster/frame-codec.ts'
import { DEFAULT_KEY_PREFIX, RedisRegionLeases } from '#shared/cluster/leases.ts'
import { RedisMembership, type MembershipWatch, type Registration } from '#shared/cluster/membership.ts'
import { RedisBus } from '#shared/cluster/bus.ts'
import { createRedis, type Redis } from '#shared/cluster/redis-connection.ts'
import { listenLinks, type LinkListener } from '#shared/cluster/tcp-link.ts'
import type { Logger } from '#shared/logger.ts'
import type { GatewayToNode, NodeToGateway } from '#shared/world-messages.ts'
import type { ClusterConfig, WorldNodeConfig } from '../config.ts'
import { createWorldNode, type WorldNode } from '../create-world-node.ts'
import { regionAt } from '../regions.ts'
import type { WorldTerrain } from '../terrain-port.ts'
import { LeasedRegions } from './leased-regions.ts'
import { RedisWorldStore } from './redis-world-store.ts'

/** Entity ids are taken from the cluster counter in blocks of this many. */
export const ENTITY_ID_BLOCK = 65_536
/** Ticks per second: the world age advances this fast from the world start. */
const TICKS_PER_SECOND = 20
/** How long drain() waits for one region's players to be handed off. */
const DRAIN_REGION_TIMEOUT_MS = 5000

/** A running distributed world-node. */
export interface DistributedWorldNode {
  readonly node: WorldNode
  readonly store: RedisWorldStore
  readonly regions: LeasedRegions
  /** The link port (WORLD_LINK_PORT, or the free port picked for 0). */
  readonly port: number
  /** What gateways dial, as registered in the membership. */
  readonly address: string
  /** Graceful stop: hand every region and player to other nodes, then stop(). */
  drain (): Promise<void>
  /** Stops at once: saves players, releases nothing (leases expire), closes everything. */
  stop (): Promise<void>
}

/** Options besides the config. */
export interface DistributedOptions {
  readonly logger: Logger
  readonly registry?: Registry
  readonly terrain?: WorldTerrain
  /** Redis key prefix (default `tessera:`). */
  readonly prefix?: string
  /** Tick period in ms (default 50; tests may run faster). */
  readonly tickMs?: number
  /** Owned regions nothing needs are released after this long (default 30 s). */
  readonly idleReleaseMs?: number
  /** node-cron expression of log compaction (default every minute). */
  readonly compactSchedule?: string
}

/** A synchronous allocator over blocks of ids reserved with INCRBY, refilled ahead of need. */
async function entityIdAllocator (redis: Redis, key: string, log: Logger): Promise<() => number> {
  const reserve = async (): Promise<{ next: number, end: number }> => {
    const end = await redis.incrby(key, ENTITY_ID_BLOCK)
    return { next: end - ENTITY_ID_BLOCK + 1, end }
  }
  let block = await reserve()
  let spare: { next: number, end: number } | null = null
  let refilling = false
  return () => {
    if (block.next > block.end && spare !== null) {
      block = spare
      spare = null
    }
    if (spare === null && !refilling && block.end - block.next < ENTITY_ID_BLOCK / 2) {
      refilling = true
      reserve().then((fresh) => { spare = fresh }, (err: unknown) => { log.warn({ err }, 'reserving entity ids failed') }).finally(() => { refilling = false })
    }
    // Out of ids before a refill arrived (65k entities in a moment): reuse the block's end rather than stall the tick.
    return block.next <= block.end ? block.next++ : block.end
  }
}

/** The world start (ms), set once for the whole cluster. */
async function worldStart (redis: Redis, key: string): Promise<number> {
  await redis.set(key, String(Date.now()), 'NX')
  const stored = Number(await redis.get(key))
  return Number.isFinite(stored) ? stored : Date.now()
}

/** Starts a world-node in distributed mode. config.cluster must be set. */
export async function startDistributedWorldNode (config: WorldNodeConfig, options: DistributedOptions): Promise<DistributedWorldNode> {
  const cluster: ClusterConfig | null = config.cluster
  if (cluster === null) throw new Error('distributed mode needs TESSERA_REDIS_URL or TESSERA_REDIS_SENTINELS')
  const { logger } = options
  const log = logger.child({ name: 'world-node:cluster', node: config.nodeId })
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX
  const connection = (role: string): Redis => createRedis(cluster.redis, {
    connectionName: `world-node:${config.nodeId}:${role}`,
    log,
    ...(cluster.redisPassword === undefined ? {} : { password: cluster.redisPassword })
  })
  const redis = connection('main')
  const subscriber = connection('bus')
  const bus = new RedisBus({ publisher: redis, subscriber, log })
  const membership = new RedisMembership({ redis, bus, prefix, ttlMs: Math.max(3000, cluster.leaseTtlMs), pollIntervalMs: 500, log })
  const leases = new RedisRegionLeases(redis, { prefix })
  let node: WorldNode | null = null
  let regions: LeasedRegions | null = null
  const store = new RedisWorldStore({
    redis,
    nodeId: config.nodeId,
    regionSize: config.regionSize,
    prefix,
    onStale: (stale) => {
      if ('region' in stale) regions?.revoke(stale.region, stale.epoch, 'a write was refused: stale lease epoch')
      else node?.dropPlayer(stale.playerId, 'a save was refused: stale player epoch', () => !store.writes(stale.playerId))
    }
  })
  regions = new LeasedRegions({
    nodeId: config.nodeId,
    leases,
    store,
    ttlMs: cluster.leaseTtlMs,
    log,
    ...(options.idleReleaseMs === undefined ? {} : { idleReleaseMs: options.idleReleaseMs })
  })
  const owned = regions
  let listener: LinkListener | null = null
  let registration: Registration | null = null
  let watch: MembershipWatch | null = null
  let compaction: ScheduledTask | null = null
  let stopped = false

  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await compaction?.stop()
    await watch?.stop()
    await registration?.stop().catch((err: unknown) => { log.warn({ err }, 'leaving the membership failed') })
    await node?.stop()
    owned.stop()
    await listener?.close('world-node stopping')
    await store.close()
    subscriber.disconnect()
    await redis.quit().catch(() => { redis.disconnect() })
  }

  try {
    const start = await worldStart(redis, `${prefix}world-start`)
    const nextEntityId = await entityIdAllocator(redis, `${prefix}entity-ids`, log)
    const created = createWorldNode(config, {
      logger,
      store,
      regions: (hooks) => owned.bind(hooks),
      nextEntityId,
      worldAge: () => Math.max(0, Math.floor((Date.now() - start) * TICKS_PER_SECOND / 1000)),
      ...(options.registry === undefined ? {} : { registry: options.registry }),
      ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
      ...(options.terrain === undefined ? {} : { terrain: options.terrain })
    })
    node = created
    await created.start()
    owned.start()
    listener = await listenLinks<NodeToGateway, GatewayToNode>({
      secret: cluster.secret,
      identity: `world-node:${config.nodeId}`,
      isMessage: isGatewayToNode,
      host: cluster.linkHost,
      port: cluster.linkPort,
      log
    }, (link) => { created.acceptLink(link) })
    const address = `${cluster.advertiseHost}:${listener.port}`
    watch = await membership.watch('world-node', (change) => { owned.setMembers(change.members.map((m) => m.id)) })
    registration = await membership.register('world-node', config.nodeId, address)
    compaction = cron.schedule(options.compactSchedule ?? '* * * * *', async () => {
      try {
        const trimmed = await store.compact()
        if (trimmed > 0) log.debug({ trimmed }, 'region logs compacted')
      } catch (err) {
        log.warn({ err }, 'compaction failed')
      }
    }, { noOverlap: true })
    log.info({ address, regionSize: config.regionSize, leaseTtlMs: cluster.leaseTtlMs }, 'world-node joined the cluster')
    const port = listener.port

    return {
      node: created,
      store,
      regions: owned,
      port,
      address,
      stop,
      async drain () {
        log.info({ regions: owned.owned().length }, 'draining')
        const others = owned.members().filter((id) => id !== config.nodeId)
        owned.startDraining()
        await registration?.stop().catch((err: unknown) => { log.warn({ err }, 'leaving the membership failed') })
        registration = null
        // The last node has nobody to hand over to: it saves its players and stops.
        for (const region of others.length === 0 ? [] : owned.owned()) {
          owned.giveUpSoon(region, 'draining')
          const deadline = Date.now() + DRAIN_REGION_TIMEOUT_MS
          while (Date.now() < deadline && (owned.owns(region) || created.playerIds().some((id) => {
            const player = created.player(id)
            return player !== undefined && regionAt(player.snapshot.x, player.snapshot.z, config.regionSize) === region
          }))) {
            await new Promise((resolve) => setTimeout(resolve, 50))
          }
        }
        // Players left in no region anybody else will take (the last node) are saved by stop().
        await stop()
      }
    }
  } catch (err) {
    await stop().catch(() => {})
    throw err
  }
}
