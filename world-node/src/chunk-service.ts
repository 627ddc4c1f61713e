/**
 * Chunk columns in memory: generated from the seed, with the stored changes applied on top
 * (design decision 7). Requests are served nearest first within a time budget per tick, because
 * generation is CPU heavy and the tick rate must hold while players join.
 */
import { performance } from 'node:perf_hooks'
import { chunkKey } from '#shared/coords.ts'
import type { ChunkKey, PlayerId } from '#shared/ids.ts'
import type { Logger } from '#shared/logger.ts'
import type { ChunkColumnData } from '#shared/world-messages.ts'
import type { DurableOutbox } from './durable-outbox.ts'
import type { GatewayConnection } from './gateway-links.ts'
import type { StoredBlock, WorldStore } from './store/world-store.ts'
import type { TerrainColumn, WorldTerrain } from './terrain-port.ts'

const LOAD_RETRY_MS = 1000

/** A player (on a link) waiting for a chunk. */
export interface ChunkRequest {
  readonly connection: GatewayConnection
  readonly playerId: PlayerId
  readonly key: ChunkKey
  readonly x: number
  readonly z: number
}

interface ChunkEntry {
  readonly key: ChunkKey
  readonly x: number
  readonly z: number
  /** loading: stored changes on their way; loaded: changes here, not generated yet; ready: column built. */
  state: 'loading' | 'loaded' | 'ready' | 'failed'
  changes: StoredBlock[] | null
  column: TerrainColumn | null
  revision: number
  serialized: ChunkColumnData | null
  retryAt: number
}

/** What the chunk service needs from the node. */
export interface ChunkServiceOptions {
  readonly terrain: WorldTerrain
  readonly store: WorldStore
  readonly outbox: DurableOutbox
  readonly log: Logger
  readonly minY: number
  readonly worldHeight: number
  /** Still wanted? (the player may have unsubscribed while the chunk was being built) */
  readonly isWanted: (request: ChunkRequest) => boolean
  /** Deliver a built chunk to a requester. */
  readonly serve: (request: ChunkRequest, column: ChunkColumnData) => void
}

/** The node's chunk cache and generation queue. */
export class ChunkService {
  readonly #options: ChunkServiceOptions
  readonly #entries = new Map<ChunkKey, ChunkEntry>()
  #queue: ChunkRequest[] = []
  // Revisions of edited chunks start from the clock, so they never repeat across restarts and a
  // gateway's packet cache keyed by revision cannot serve a stale column. Untouched chunks are 0.
  #revisionClock = Date.now() * 1000
  #stopped = false

  constructor (options: ChunkServiceOptions) {
    this.#options = options
  }

  /** Queues a chunk for a subscriber; loading its stored changes starts now. */
  request (connection: GatewayConnection, playerId: PlayerId, x: number, z: number): void {
    const key = chunkKey(x, z)
    const entry = this.#ensure(key, x, z)
    // Map order is recency of request: unloadUnwatched drops the least recently wanted first.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    this.#queue.push({ connection, playerId, key, x, z })
  }

  /** Builds and serves queued chunks in order until the deadline (at least one per call). */
  work (deadline: number): void {
    const waiting: ChunkRequest[] = []
    let index = 0
    let worked = false
    for (; index < this.#queue.length; index++) {
      if (worked && performance.now() >= deadline) break
      const request = this.#queue[index]
      if (request === undefined || !this.#options.isWanted(request)) continue
      const entry = this.#ensure(request.key, request.x, request.z)
      if (entry.state === 'loading' || entry.state === 'failed') {
        waiting.push(request)
        continue
      }
      if (entry.state === 'loaded') this.#build(entry)
      entry.serialized ??= this.#options.terrain.serialize(entry.column as TerrainColumn, entry.x, entry.z, entry.revision)
      this.#options.serve(request, entry.serialized)
      worked = true
    }
    this.#queue = index === 0 ? this.#queue : waiting.concat(this.#queue.slice(index))
  }

  /** The block state at world x, y, z, or undefined when its chunk is not built (or y is outside the world). */
  stateIdAt (x: number, y: number, z: number): number | undefined {
    const column = this.#readyColumn(x, y, z)
    return column?.getBlockStateId({ x: mod16(x), y, z: mod16(z) })
  }

  /** Sets a block in a built chunk and bumps its revision; false when the chunk is not built. */
  setStateId (x: number, y: number, z: number, stateId: number): boolean {
    const column = this.#readyColumn(x, y, z)
    if (column === undefined) return false
    column.setBlockStateId({ x: mod16(x), y, z: mod16(z) }, stateId)
    const entry = this.#entries.get(chunkKey(Math.floor(x / 16), Math.floor(z / 16)))
    if (entry !== undefined) {
      entry.revision = ++this.#revisionClock
      entry.serialized = null
    }
    return true
  }

  /** The current revision of a built chunk. */
  revisionOf (key: ChunkKey): number | undefined {
    const entry = this.#entries.get(key)
    return entry?.state === 'ready' ? entry.revision : undefined
  }

  /**
   * Drops cached chunks nobody watches, least recently requested first, keeping up to `keep` of
   * them: players walk back and forth, and a kept chunk is served again without a store read,
   * generation and serialization. Their changes are in the store already.
   */
  unloadUnwatched (isWatched: (key: ChunkKey) => boolean, keep = 0): number {
    const queued = new Set(this.#queue.map((request) => request.key))
    const idle: ChunkKey[] = []
    for (const [key, entry] of this.#entries) {
      if (entry.state === 'loading' || queued.has(key) || isWatched(key)) continue
      idle.push(key)
    }
    const unloaded = Math.max(0, idle.length - keep)
    for (let i = 0; i < unloaded; i++) this.#entries.delete(idle[i] as ChunkKey)
    return unloaded
  }

  /** Forgets the chunks matching `match` and their queued requests (their region was given up). */
  dropWhere (match: (key: ChunkKey) => boolean): number {
    this.#queue = this.#queue.filter((request) => !match(request.key))
    let dropped = 0
    for (const key of [...this.#entries.keys()]) {
      if (!match(key)) continue
      this.#entries.delete(key)
      dropped++
    }
    return dropped
  }

  /** Chunks held in memory (built or on their way). */
  get loadedCount (): number {
    return this.#entries.size
  }

  /** Requests not served yet. */
  get queuedCount (): number {
    return this.#queue.length
  }

  /** Stops starting store reads (the store is about to close). */
  stop (): void {
    this.#stopped = true
  }

  #readyColumn (x: number, y: number, z: number): TerrainColumn | undefined {
    const { minY, worldHeight } = this.#options
    if (!Number.isInteger(y) || y < minY || y >= minY + worldHeight) return undefined
    const entry = this.#entries.get(chunkKey(Math.floor(x / 16), Math.floor(z / 16)))
    return entry?.state === 'ready' ? entry.column ?? undefined : undefined
  }

  #ensure (key: ChunkKey, x: number, z: number): ChunkEntry {
    let entry = this.#entries.get(key)
    if (entry === undefined) {
      entry = { key, x, z, state: 'loading', changes: null, column: null, revision: 0, serialized: null, retryAt: 0 }
      this.#entries.set(key, entry)
      this.#load(entry)
    } else if (entry.state === 'failed' && Date.now() >= entry.retryAt) {
      entry.state = 'loading'
      this.#load(entry)
    }
    return entry
  }

  #load (entry: ChunkEntry): void {
    if (this.#stopped) return
    const { store, outbox, log } = this.#options
    // Filling the cache is not a world mutation: the column only becomes visible once built in a tick.
    outbox.read(async () => await store.loadChunkChanges(entry.key)).then((changes) => {
      entry.changes = changes
      entry.state = 'loaded'
    }, (err: unknown) => {
      log.error({ err, chunk: entry.key }, 'loading stored chunk changes failed')
      entry.state = 'failed'
      entry.retryAt = Date.now() + LOAD_RETRY_MS
    })
  }

  #build (entry: ChunkEntry): void {
    const column = this.#options.terrain.generate(entry.x, entry.z)
    const changes = entry.changes ?? []
    for (const change of changes) {
      column.setBlockStateId({ x: mod16(change.x), y: change.y, z: mod16(change.z) }, change.stateId)
    }
    entry.column = column
    entry.changes = null
    entry.revision = changes.length === 0 ? 0 : ++this.#revisionClock
    entry.state = 'ready'
  }
}

function mod16 (n: number): number {
  return ((n % 16) + 16) % 16
}
