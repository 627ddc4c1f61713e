/**
 * The WorldStore of distributed mode, in Redis, fenced by epochs (DESIGN decisions 3 and 6).
 *
 * Blocks: each region's changes go to its fenced log (RedisRegionLog.append), one entry per
 * region per batch (= per tick), numbered by the owner 1, 2, 3, …; an append by a node that lost
 * the region's lease is refused inside Redis (WN_STALE_EPOCH). An owner opens a region when it
 * acquires the lease: it loads the snapshot and replays the log (applyInOrder) into memory, and
 * serves chunk changes from there; compact() writes snapshots of the open regions (fenced) and
 * trims their logs.
 *
 * Players: `<prefix>player:{<id>}` holds the snapshot and `…:epoch` the player's writer epoch.
 * claimPlayer() bumps the epoch (attach, CompleteTransfer); a save is a Lua check-and-set that is
 * refused (WN_STALE_EPOCH) once another node claimed the player since.
 *
 * A refused write calls onStale (the node gives the region up or drops the player) and resolves,
 * so the durable batch that carried it is not retried; what was refused is never visible.
 */
import { TesseraError, hasCode } from '#shared/errors.ts'
import { chunkKey, regionOfChunk } from '#shared/coords.ts'
import type { ChunkKey, NodeId, PlayerId, RegionId } from '#shared/ids.ts'
import { applyInOrder, DEFAULT_KEY_PREFIX, RedisRegionLog, type LogEntry, type RegionHistory } from '#shared/cluster/leases.ts'
import { defineScript, type Redis } from '#shared/cluster/redis-connection.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import type { BlockChangeRecord, StoredBlock, WorldStore } from '../store/world-store.ts'

/** What a refused (stale) write was about. */
export type StaleWrite = { readonly region: RegionId, readonly epoch: number } | { readonly playerId: PlayerId, readonly epoch: number }

/** Settings of a RedisWorldStore. */
export interface RedisWorldStoreOptions {
  readonly redis: Redis
  readonly nodeId: NodeId
  /** Chunks per region side (WORLD_REGION_SIZE). */
  readonly regionSize: number
  /** Key prefix (default `tessera:`). */
  readonly prefix?: string
  /** Called at once when a write is refused for a stale epoch; without it the write throws. */
  readonly onStale?: (stale: StaleWrite) => void
  /**
   * Opens a region this store has not opened when a change to it is appended, returning the
   * lease epoch (tests and tools that write without a lease manager). Default: refuse (WN_NOT_OWNER).
   */
  readonly openOnWrite?: (region: RegionId) => Promise<number>
  /** Close the Redis connection with the store (default false). */
  readonly ownsConnection?: boolean
}

/** An open region: the owner's epoch, the last seq it wrote, and the region's blocks. */
interface OpenRegion {
  readonly epoch: number
  seq: number
  /** chunk → "x,y,z" → block */
  readonly chunks: Map<ChunkKey, Map<string, StoredBlock>>
}

/** One log entry's payload: the tick's changes in the region, in order. */
type EntryData = Array<[ChunkKey, number, number, number, number]>

/** KEYS epoch, data · ARGV epoch, snapshot → OK, or a STALE error when another node claimed the player. */
const SAVE_PLAYER = defineScript(`
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  return redis.error_reply('STALE player epoch ' .. ARGV[1] .. ', current is ' .. tostring(current))
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`)

function apply (chunks: Map<ChunkKey, Map<string, StoredBlock>>, data: EntryData): void {
  for (const [chunk, x, y, z, stateId] of data) {
    let blocks = chunks.get(chunk)
    if (blocks === undefined) chunks.set(chunk, blocks = new Map())
    blocks.set(`${x},${y},${z}`, { x, y, z, stateId })
  }
}

function replay (history: RegionHistory): { seq: number, chunks: Map<ChunkKey, Map<string, StoredBlock>> } {
  const chunks = new Map<ChunkKey, Map<string, StoredBlock>>()
  if (history.snapshot !== null) apply(chunks, JSON.parse(history.snapshot.data.toString()) as EntryData)
  const seq = applyInOrder(history.entries, history.snapshot?.seq ?? 0, (entry: LogEntry) => {
    apply(chunks, JSON.parse(entry.data.toString()) as EntryData)
  })
  return { seq, chunks }
}

/** WorldStore over Redis with fenced region logs and fenced player records. */
export class RedisWorldStore implements WorldStore {
  readonly #redis: Redis
  readonly #options: RedisWorldStoreOptions
  readonly #prefix: string
  readonly #log: RedisRegionLog
  readonly #regions = new Map<RegionId, OpenRegion>()
  readonly #opening = new Map<RegionId, Promise<OpenRegion>>()
  /** Player → the epoch this node claimed (a promise while the claim is in flight); null once released. */
  readonly #claims = new Map<PlayerId, Promise<number> | null>()

  constructor (options: RedisWorldStoreOptions) {
    this.#redis = options.redis
    this.#options = options
    this.#prefix = options.prefix ?? DEFAULT_KEY_PREFIX
    this.#log = new RedisRegionLog(options.redis, { prefix: this.#prefix })
  }

  // ── regions ─────────────────────────────────────────────────────────────────────────────

  /** Loads a region this node just leased at `epoch`: snapshot + log replay. */
  async openRegion (region: RegionId, epoch: number): Promise<void> {
    const { seq, chunks } = replay(await this.#log.history(region))
    this.#regions.set(region, { epoch, seq, chunks })
  }

  /** Forgets a region (given up or lost): later writes to it are refused here. */
  closeRegion (region: RegionId): void {
    this.#regions.delete(region)
  }

  /** True while the region is open here. */
  isOpen (region: RegionId): boolean {
    return this.#regions.has(region)
  }

  /** Writes a snapshot of every open region and trims its log (fenced); returns entries trimmed. */
  async compact (): Promise<number> {
    let trimmed = 0
    for (const [region, open] of [...this.#regions]) {
      if (open.seq === 0) continue
      const data: EntryData = []
      for (const [chunk, blocks] of open.chunks) for (const b of blocks.values()) data.push([chunk, b.x, b.y, b.z, b.stateId])
      try {
        trimmed += (await this.#log.writeSnapshot(region, this.#options.nodeId, open.epoch, { seq: open.seq, data: JSON.stringify(data) })).trimmed
      } catch (err) {
        if (!hasCode(err, 'WN_STALE_EPOCH')) throw err
        this.#stale({ region, epoch: open.epoch }, err)
      }
    }
    return trimmed
  }

  async loadChunkChanges (key: ChunkKey): Promise<StoredBlock[]> {
    const [x, z] = key.split(',').map(Number) as [number, number]
    const region = regionOfChunk(x, z, this.#options.regionSize)
    const open = this.#regions.get(region)
    const chunks = open?.chunks ?? replay(await this.#log.history(region)).chunks
    return [...(chunks.get(key)?.values() ?? [])]
  }

  async appendBlockChanges (changes: readonly BlockChangeRecord[]): Promise<void> {
    const byRegion = new Map<RegionId, EntryData>()
    for (const change of changes) {
      const [x, z] = change.chunk.split(',').map(Number) as [number, number]
      const region = regionOfChunk(x, z, this.#options.regionSize)
      let data = byRegion.get(region)
      if (data === undefined) byRegion.set(region, data = [])
      data.push([chunkKey(x, z), change.x, change.y, change.z, change.stateId])
    }
    await Promise.all([...byRegion].map(async ([region, data]) => { await this.#append(region, data) }))
  }

  async #append (region: RegionId, data: EntryData): Promise<void> {
    const open = this.#regions.get(region) ?? await this.#openOnWrite(region)
    const seq = open.seq + 1
    try {
      await this.#log.append(region, this.#options.nodeId, open.epoch, [{ seq, data: JSON.stringify(data) }])
    } catch (err) {
      if (!hasCode(err, 'WN_STALE_EPOCH')) throw err
      this.#stale({ region, epoch: open.epoch }, err)
      return
    }
    open.seq = seq
    apply(open.chunks, data)
  }

  async #openOnWrite (region: RegionId): Promise<OpenRegion> {
    const open = this.#options.openOnWrite
    if (open === undefined) throw new TesseraError('WN_NOT_OWNER', `${this.#options.nodeId} has not opened ${region}`)
    let opening = this.#opening.get(region)
    if (opening === undefined) {
      opening = (async () => {
        await this.openRegion(region, await open(region))
        return this.#regions.get(region)!
      })()
      this.#opening.set(region, opening)
      void opening.finally(() => { this.#opening.delete(region) }).catch(() => {})
    }
    return await opening
  }

  /** A write was refused. Acted on only when nothing newer replaced what it was written under. */
  #stale (stale: StaleWrite, err: unknown, claim?: Promise<number>): void {
    if ('region' in stale) {
      // The region was given up and opened again at a newer epoch meanwhile: that owner is fine.
      if (this.#regions.get(stale.region)?.epoch !== stale.epoch) return
      this.#regions.delete(stale.region)
    } else {
      // The player was claimed again since this save started (handed back here): not stale.
      if (this.#claims.get(stale.playerId) !== claim) return
      this.#claims.set(stale.playerId, null)
    }
    if (this.#options.onStale === undefined) throw err
    this.#options.onStale(stale)
  }

  /** True while this node writes the player (claimed, not released, not refused). */
  writes (id: PlayerId): boolean {
    return this.#claims.get(id) != null
  }

  // ── players ─────────────────────────────────────────────────────────────────────────────

  #playerKeys (id: PlayerId): { epoch: string, data: string } {
    const base = `${this.#prefix}player:{${id}}`
    return { epoch: `${base}:epoch`, data: base }
  }

  async claimPlayer (id: PlayerId): Promise<void> {
    const claim = this.#redis.incr(this.#playerKeys(id).epoch)
    this.#claims.set(id, claim)
    try {
      await claim
    } catch (err) {
      if (this.#claims.get(id) === claim) this.#claims.delete(id)
      throw err
    }
  }

  releasePlayer (id: PlayerId): void {
    this.#claims.set(id, null)
  }

  /** The epoch this node writes the player at, or null when released (tests). */
  async playerEpoch (id: PlayerId): Promise<number | null> {
    return await (this.#claims.get(id) ?? null)
  }

  async loadPlayer (id: PlayerId): Promise<PlayerSnapshot | null> {
    const raw = await this.#redis.get(this.#playerKeys(id).data)
    return raw === null ? null : JSON.parse(raw) as PlayerSnapshot
  }

  async savePlayer (id: PlayerId, snapshot: PlayerSnapshot): Promise<void> {
    // A player never claimed here (a tool, the contract tests) is claimed by its first save.
    if (!this.#claims.has(id)) await this.claimPlayer(id)
    const claim = this.#claims.get(id)
    if (claim === null || claim === undefined) return
    const epoch = await claim
    const keys = this.#playerKeys(id)
    try {
      await SAVE_PLAYER.run(this.#redis, [keys.epoch, keys.data], [String(epoch), JSON.stringify(snapshot)])
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('STALE ')) throw err
      this.#stale({ playerId: id, epoch }, new TesseraError('WN_STALE_EPOCH', `player ${id}: ${err.message.slice(6)}`, { cause: err }), claim)
    }
  }

  // ── meta ────────────────────────────────────────────────────────────────────────────────

  async loadMeta (key: string): Promise<string | null> {
    return await this.#redis.get(`${this.#prefix}meta:${key}`)
  }

  async saveMeta (key: string, value: string): Promise<void> {
    await this.#redis.set(`${this.#prefix}meta:${key}`, value)
  }

  async close (): Promise<void> {
    this.#regions.clear()
    if (this.#options.ownsConnection === true) await this.#redis.quit().catch(() => {})
  }
}
