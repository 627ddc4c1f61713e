/**
 * The world-node factory: wires the world's state, the gateway links and the 20 TPS tick in
 * which every mutation happens (STYLE rule 8). Commands arriving between ticks are queued and
 * run at the start of the next tick, in arrival order.
 */
import { performance } from 'node:perf_hooks'
import { Registry } from 'prom-client'
import type { Link } from '#shared/link.ts'
import type { Logger } from '#shared/logger.ts'
import type { PlayerId, RegionId } from '#shared/ids.ts'
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway, type PlayerSnapshot, type RegionsOwned } from '#shared/world-messages.ts'
import { ChunkService } from './chunk-service.ts'
import { isStillWanted, serveChunk } from './chunk-subscriptions.ts'
import { dispatchCommand } from './command-dispatch.ts'
import type { WorldNodeConfig } from './config.ts'
import { DurableOutbox } from './durable-outbox.ts'
import { broadcastMoves } from './entities.ts'
import { createGameData } from './game-data.ts'
import { GatewayLinks, type GatewayConnection } from './gateway-links.ts'
import { registerWorldMetrics } from './metrics.ts'
import { dropPendingTransfers, offerStrayPlayers, pendingTransfers } from './handoff.ts'
import { flushLatencies, sendPlayerList } from './player-list.ts'
import { dropConnection, dropStalePlayer } from './player-session.ts'
import { OnlinePlayers, snapshotOf } from './players.ts'
import { ALL_REGIONS, regionAt, regionOfKey, type RegionHooks, type RegionOwnership } from './regions.ts'
import type { WorldStore } from './store/world-store.ts'
import { Subscriptions } from './subscriptions.ts'
import { createWorldTerrain, type WorldTerrain } from './terrain-port.ts'
import { startTickLoop, type TickLoop } from './tick-loop.ts'
import { TickRecorder, type TickStats } from './tick-stats.ts'
import { parseWorldAge, saveWorldAge, tickTime, WORLD_AGE_META, WorldClock } from './time.ts'
import type { World } from './world.ts'

/** Tick health, as tickStats() reports it. */
export type { TickStats } from './tick-stats.ts'

/** Chunk generation and delivery may use this much of each 50 ms tick. */
export const CHUNK_BUDGET_MS = 15
/** A tick longer than this is logged with its phases. */
const SLOW_TICK_MS = 50
/** Unwatched chunks are dropped from memory this often (ticks). */
const UNLOAD_EVERY_TICKS = 100
/**
 * Unwatched chunks kept built (least recently wanted dropped first): about the view of two more
 * players at view distance 10, for roughly 40-60 MB. Walking players come back to chunks they
 * left, and serving a kept one costs no store read, generation or serialization.
 */
const KEEP_UNWATCHED_CHUNKS = 1024
/** Every online player is saved this often (ticks), so a crash loses little movement. */
const AUTOSAVE_EVERY_TICKS = 1200
/** A link that has not said Hello by then is closed. */
const HELLO_TIMEOUT_MS = 10_000
/**
 * A link with more commands waiting for the tick than this, plus MAX_QUEUED_PER_PLAYER for each
 * of its players, is flooding and is closed. Per player, because a gateway carrying 800 walking
 * players legitimately queues 16 000 moves while one slow tick of a second runs: a fixed limit
 * closed that link and kicked every player on it, turning an overload into an outage.
 */
const MAX_QUEUED_PER_LINK = 10_000
/** 10 s of movement packets (20 a second): gateways already limit each client to 500 packets a second. */
const MAX_QUEUED_PER_PLAYER = 200
/** Commands of a handoff in flight: each one's answer is awaited with the player's input held. */
const HANDOFF_STEPS: ReadonlySet<string> = new Set([WorldCommand.AcceptTransfer, WorldCommand.CommitTransfer, WorldCommand.CompleteTransfer, WorldCommand.AbortTransfer])

function round (ms: number): number {
  return Math.round(ms * 10) / 10
}

/** What a world-node is built from. */
export interface WorldNodeDeps {
  readonly logger: Logger
  readonly store: WorldStore
  /** Defaults to the seeded generator of world-node/src/terrain. */
  readonly terrain?: WorldTerrain
  /** Where the tick gauges are registered; defaults to a registry of the node's own. */
  readonly registry?: Registry
  /** Distributed mode: region ownership by leases (default: this node owns every region). */
  readonly regions?: (hooks: RegionHooks) => RegionOwnership
  /** Distributed mode: cluster-unique entity ids (default: a node-local counter). */
  readonly nextEntityId?: () => number
  /** Tick period in ms (default 50; tests may run faster). */
  readonly tickMs?: number
  /** Distributed mode: the cluster's world age now, in ticks (default: the stored age, advanced by the tick). */
  readonly worldAge?: () => number
}

/** A player as a node holds it (tests and tools). */
export interface PlayerView {
  readonly entityId: number
  readonly frozen: boolean
  readonly snapshot: PlayerSnapshot
}

/** A running (or runnable) world-node. */
export interface WorldNode {
  /** Loads the world age and starts ticking. */
  start (): Promise<void>
  /** Stops ticking, saves every player and the world age durably, closes the links. The store stays open. */
  stop (): Promise<void>
  /** Serves one gateway link; its first message must be Hello. */
  acceptLink (link: Link<NodeToGateway, GatewayToNode>): void
  /** Tick health now. */
  tickStats (): TickStats
  /** The registry holding this node's gauges. */
  readonly registry: Registry
  /** The ids of the players live here. */
  playerIds (): PlayerId[]
  /** A live player here, or undefined. */
  player (id: PlayerId): PlayerView | undefined
  /** The ownership fact this node sends gateways now. */
  regionsOwned (): RegionsOwned
  /**
   * Forgets a player without saving it (another node writes it now); applied in the next tick,
   * if `stillStale` (checked then) agrees.
   */
  dropPlayer (id: PlayerId, reason: string, stillStale?: () => boolean): void
}

/** Builds a world-node; nothing runs until start(). */
export function createWorldNode (config: WorldNodeConfig, deps: WorldNodeDeps): WorldNode {
  const log = deps.logger.child({ name: 'world-node:node', node: config.nodeId })
  const game = createGameData(config.version)
  const terrain = deps.terrain ?? createWorldTerrain(config.seed, config.version)
  const registry = deps.registry ?? new Registry()
  const links = new GatewayLinks()
  const subscriptions = new Subscriptions()
  const players = new OnlinePlayers()
  const outbox = new DurableOutbox(deps.store, deps.logger.child({ name: 'world-node:store' }))
  const clock = new WorldClock(0)
  const recorder = new TickRecorder()
  const queuedByLink = new Map<GatewayConnection, number>()
  const queueLimitByLink = new Map<GatewayConnection, number>()
  let inbox: Array<() => void> = []
  let entityIds = 0
  let loop: TickLoop | null = null
  /** When the node last became empty (no players, nothing queued or pending), ms; null while not. */
  let emptySince: number | null = null
  let state: 'created' | 'running' | 'stopping' | 'stopped' = 'created'
  let leaveMetrics = (): void => {}

  /** Work has arrived for the next tick: the loop runs it soon, waking from a pause. */
  function poke (urgent = false): void {
    if (loop?.paused === true) log.info({ worldAge: clock.worldAge }, 'ticking resumed')
    loop?.poke(urgent)
  }

  /** Queues a job for the next tick, waking a paused loop. */
  function enqueue (job: () => void): void {
    inbox.push(job)
    poke()
  }

  const chunks: ChunkService = new ChunkService({
    terrain,
    store: deps.store,
    outbox,
    log: deps.logger.child({ name: 'world-node:chunks' }),
    minY: game.minY,
    worldHeight: game.worldHeight,
    isWanted: (request) => isStillWanted(world, request),
    serve: (request, column) => { serveChunk(world, request, column) }
  })

  const hooks: RegionHooks = {
    enqueue,
    enqueueQuietly: (job) => { inbox.push(job) },
    lost: (region, reason) => {
      const inRegion = (key: Parameters<typeof regionOfKey>[0]): boolean => regionOfKey(key, config.regionSize) === region
      const dropped = chunks.dropWhere(inRegion)
      subscriptions.removeChunksWhere(inRegion)
      log.info({ region, reason, chunks: dropped }, 'region given up')
    },
    changed: () => { links.broadcast(regionsOwned()) },
    regionsInUse: () => {
      const used = new Set<RegionId>()
      for (const key of subscriptions.watchedChunks()) used.add(regionOfKey(key, config.regionSize))
      for (const player of players.all()) used.add(regionAt(player.x, player.z, config.regionSize))
      return used
    },
    afterWrites: (job) => {
      outbox.read(job).catch((err: unknown) => { log.warn({ err }, 'job after writes failed') })
    }
  }
  const regions = deps.regions?.(hooks) ?? ALL_REGIONS

  function regionsOwned (): RegionsOwned {
    return { type: WorldFact.RegionsOwned, nodeId: config.nodeId, all: regions.all, regions: regions.owned() }
  }

  const world: World = {
    config,
    log: deps.logger.child({ name: 'world-node:game' }),
    game,
    terrain,
    store: deps.store,
    links,
    subscriptions,
    chunks,
    players,
    outbox,
    clock,
    regions,
    enqueue,
    nextEntityId: deps.nextEntityId ?? (() => ++entityIds)
  }

  function tick (): void {
    const started = performance.now()
    clock.advance()
    if (deps.worldAge !== undefined) {
      // Every node derives the age from one world start, so all gateways see one time.
      const age = deps.worldAge()
      if (Math.abs(age - clock.worldAge) > 20) clock.worldAge = age
    }
    const jobs = inbox
    inbox = []
    queuedByLink.clear()
    queueLimitByLink.clear()
    for (const job of jobs) {
      try {
        job()
      } catch (err) {
        log.error({ err }, 'command failed in tick')
      }
    }
    const commandsDone = performance.now()
    let chunksDone = commandsDone
    try {
      chunks.work(commandsDone + CHUNK_BUDGET_MS)
      chunksDone = performance.now()
      broadcastMoves(world, clock.worldAge)
      offerStrayPlayers(world)
      flushLatencies(world)
      tickTime(world)
      if (clock.worldAge % UNLOAD_EVERY_TICKS === 0) chunks.unloadUnwatched((key) => subscriptions.isWatched(key), KEEP_UNWATCHED_CHUNKS)
      if (clock.worldAge % AUTOSAVE_EVERY_TICKS === 0) for (const player of players.all()) outbox.savePlayer(player.id, snapshotOf(player))
      if (emptyLongEnough(started)) pause()
    } catch (err) {
      log.error({ err }, 'tick failed')
    }
    outbox.commit()
    const ended = performance.now()
    recorder.record(started, ended - started)
    if (ended - started > SLOW_TICK_MS) {
      log.warn({ tickMs: round(ended - started), commandsMs: round(commandsDone - started), jobs: jobs.length, chunksMs: round(chunksDone - commandsDone), restMs: round(ended - chunksDone) }, 'slow tick')
    }
  }

  /**
   * Pause-when-empty (vanilla's pause-when-empty-seconds): true once the node has had no
   * players, no queued job, no chunk request, no handoff in flight and no region lease for
   * pauseWhenEmptyS.
   */
  function emptyLongEnough (now: number): boolean {
    // A cluster's node pauses only once it holds no region: idle ones are released after 30 s.
    if (config.pauseWhenEmptyS === 0 || players.count > 0 || inbox.length > 0 || chunks.queuedCount > 0 || pendingTransfers(world) > 0 || regions.owned().length > 0) {
      emptySince = null
      return false
    }
    emptySince ??= now
    return now - emptySince >= config.pauseWhenEmptyS * 1000
  }

  /**
   * Stops ticking until a gateway sends a command or a job is queued: the world age stops with
   * it, as in vanilla (saved now), and an empty server no longer wakes 20 times a second. In
   * distributed mode the age is taken again from the cluster's clock at the first tick after.
   */
  function pause (): void {
    saveWorldAge(world)
    emptySince = null
    recorder.restart()
    loop?.pause()
    log.info({ worldAge: clock.worldAge, afterS: config.pauseWhenEmptyS }, 'no players: ticking paused until someone joins')
  }

  /** The link's queue limit until the next tick (counted once: it is needed only past 10 000). */
  function queueLimit (connection: GatewayConnection): number {
    let limit = queueLimitByLink.get(connection)
    if (limit === undefined) {
      let count = 0
      for (const player of players.all()) if (player.connection === connection) count++
      limit = MAX_QUEUED_PER_LINK + MAX_QUEUED_PER_PLAYER * count
      queueLimitByLink.set(connection, limit)
    }
    return limit
  }

  function greet (connection: GatewayConnection, message: GatewayToNode): void {
    const { link } = connection
    if (message.type !== WorldCommand.Hello) {
      link.close('expected Hello as the first message')
      return
    }
    if (message.version !== config.version) {
      log.warn({ gateway: message.gatewayId, version: message.version }, 'refused gateway with another game version')
      link.close(`game version mismatch: this world runs ${config.version}, the gateway speaks ${message.version}`)
      return
    }
    connection.gatewayId = message.gatewayId
    connection.ready = true
    log.info({ gateway: message.gatewayId, link: connection.id }, 'gateway linked')
    links.send(connection, {
      type: WorldFact.Welcome,
      nodeId: config.nodeId,
      version: config.version,
      seed: config.seed,
      minY: game.minY,
      worldHeight: game.worldHeight,
      viewDistance: config.viewDistance,
      regionSize: config.regionSize
    })
    links.send(connection, regionsOwned())
    sendPlayerList(world, connection)
    links.send(connection, { type: WorldFact.TimeUpdated, worldAge: clock.worldAge, timeOfDay: clock.timeOfDay })
  }

  function receive (connection: GatewayConnection, message: GatewayToNode): void {
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
      connection.link.close('malformed message')
      return
    }
    if (!connection.ready) {
      greet(connection, message)
      return
    }
    if (state === 'stopping' || state === 'stopped') return
    const queued = (queuedByLink.get(connection) ?? 0) + 1
    if (queued > MAX_QUEUED_PER_LINK && queued > queueLimit(connection)) {
      log.warn({ gateway: connection.gatewayId }, 'gateway floods commands; closing its link')
      connection.link.close('too many commands queued')
      return
    }
    queuedByLink.set(connection, queued)
    // Commands that arrived before the link closed still run (a final move, a DetachPlayer);
    // the connection's own drop is queued behind them.
    inbox.push(() => {
      if (dispatchCommand(world, connection, message) === 'unknown') {
        log.warn({ gateway: connection.gatewayId, type: message.type }, 'unknown command; closing link')
        connection.link.close(`unknown command ${String(message.type)}`)
      }
    })
    // The tick due soon runs with these commands, in this wake-up, rather than on its own. A
    // handoff step runs at the next tick's due time even when no other work follows it: the
    // gateway holds the player's input until the step is answered.
    poke(HANDOFF_STEPS.has(message.type))
  }

  return {
    registry,

    async start () {
      if (state !== 'created') throw new Error(`world-node cannot start: it is ${state}`)
      clock.worldAge = deps.worldAge?.() ?? parseWorldAge(await deps.store.loadMeta(WORLD_AGE_META))
      leaveMetrics = registerWorldMetrics(registry, config.nodeId, () => this.tickStats())
      state = 'running'
      loop = startTickLoop(tick, deps.tickMs)
      log.info({ worldAge: clock.worldAge, version: config.version, seed: config.seed }, 'world-node started')
    },

    async stop () {
      if (state !== 'running') {
        state = 'stopped'
        return
      }
      state = 'stopping'
      loop?.stop()
      // One last tick runs the commands already queued (detaches among them) before saving.
      tick()
      for (const player of players.all()) outbox.savePlayer(player.id, snapshotOf(player))
      saveWorldAge(world)
      chunks.stop()
      await outbox.flush()
      for (const connection of [...links.all()]) connection.link.close('Server closed')
      leaveMetrics()
      state = 'stopped'
      log.info({ worldAge: clock.worldAge, players: players.count }, 'world-node stopped')
    },

    acceptLink (link) {
      const connection = links.add(link)
      const helloTimer = setTimeout(() => {
        if (!connection.ready) link.close('no Hello in time')
      }, HELLO_TIMEOUT_MS)
      helloTimer.unref()
      link.onMessage((message) => { receive(connection, message) })
      link.onClose((reason) => {
        clearTimeout(helloTimer)
        links.remove(connection)
        log.info({ gateway: connection.gatewayId, link: connection.id, reason }, 'gateway link closed')
        if (state === 'running') {
          enqueue(() => {
            dropPendingTransfers(world, connection)
            dropConnection(world, connection)
          })
        }
      })
    },

    playerIds () {
      return [...players.all()].map((player) => player.id)
    },

    player (id) {
      const player = players.get(id)
      if (player === undefined) return undefined
      return { entityId: player.entityId, frozen: player.frozen !== null, snapshot: snapshotOf(player) }
    },

    regionsOwned,

    dropPlayer (id, reason, stillStale = () => true) {
      enqueue(() => { if (stillStale()) dropStalePlayer(world, id, reason) })
    },

    tickStats () {
      return {
        tps: loop?.paused === true ? 0 : recorder.tps(performance.now()),
        paused: loop?.paused ?? false,
        tickMsP50: recorder.percentile(0.5),
        tickMsP99: recorder.percentile(0.99),
        players: players.count,
        loadedChunks: chunks.loadedCount
      }
    }
  }
}
