/**
 * Region leases with epochs, and the region log they fence (DESIGN decisions 3 and 6).
 *
 * A node owns a region while it holds the region's lease key (owner id, PX ttl). Every grant,
 * including a re-grant to the same node id (a restarted process), increments the region's
 * epoch, which never decreases. Every durable write is a Lua script that first checks, inside
 * Redis, that the lease is held by the writer AND the region's epoch equals the writer's; a
 * paused or partitioned node that lost its lease gets WN_STALE_EPOCH, never a write.
 *
 * The region log is a Redis stream whose entry ids are `<seq>-0`: the owner numbers its
 * entries 1, 2, 3, … and an entry whose seq is already in the log is a retry and is skipped,
 * so replay after a crash or a retried append is idempotent by sequence number. A snapshot
 * records the seq it includes and trims the log up to it (compaction), fenced the same way.
 *
 * Keys (one hash tag per region, so a region's keys share a Cluster slot):
 *   <prefix>{<region>}:lease     owner node id, PX ttl
 *   <prefix>{<region>}:epoch     integer, INCR on every grant
 *   <prefix>{<region>}:log       stream of { e: epoch, d: data } with ids <seq>-0
 *   <prefix>{<region>}:seq       highest seq ever appended
 *   <prefix>{<region>}:snapshot  hash { seq, epoch, data }
 *
 * Availability (decision 8): grants need the primary (and, with minReplicas, that many
 * replicas) and fail cleanly otherwise; appends need the primary. Redis replication is
 * asynchronous, so a failover can lose the last grant; the owner check in every fenced write
 * still refuses a node whose lease the new primary does not know.
 * Transport code shared by every service, hence in shared/ (STYLE rule 2 exception).
 */
import { TesseraError } from '../errors.ts'
import type { NodeId, RegionId } from '../ids.ts'
import { defineScript, type Redis } from './redis-connection.ts'

/** Default key prefix of every cluster key. */
export const DEFAULT_KEY_PREFIX = 'tessera:'

/** A lease the node holds: the epoch goes on every write it makes. */
export interface LeaseGrant { readonly epoch: number }

/** Who holds a region now, as Redis sees it. */
export interface LeaseHolder { readonly nodeId: NodeId, readonly epoch: number, readonly ttlMs: number }

/** One entry to append: the owner's next sequence numbers, in order, and opaque bytes. */
export interface NewLogEntry { readonly seq: number, readonly data: Uint8Array | string }

/** A stored log entry, with the epoch of the owner that wrote it. */
export interface LogEntry { readonly seq: number, readonly epoch: number, readonly data: Buffer }

/** A stored snapshot: the region's state including every entry up to and including seq. */
export interface RegionSnapshot { readonly seq: number, readonly epoch: number, readonly data: Buffer }

/** What a new owner reads to rebuild a region: the snapshot, then the entries after it. */
export interface RegionHistory { readonly snapshot: RegionSnapshot | null, readonly entries: readonly LogEntry[] }

/** An append or snapshot that breaks the sequence (a gap, or a snapshot of unlogged entries). */
export class LogSequenceError extends Error {
  override name = 'LogSequenceError'
}

const STALE = `
local owner = redis.call('GET', KEYS[1])
local epoch = redis.call('GET', KEYS[2])
if owner ~= ARGV[1] or epoch ~= ARGV[2] then
  return redis.error_reply('STALE ' .. ARGV[1] .. ' at epoch ' .. ARGV[2] .. '; lease held by ' .. tostring(owner) .. ', epoch is ' .. tostring(epoch))
end
`

/** KEYS lease, epoch · ARGV node, ttl → new epoch, or nil when another node holds the lease. */
const ACQUIRE = defineScript(`
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return false end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return epoch
`)

/** KEYS lease, epoch · ARGV node, epoch, ttl → 1 when still ours at that epoch (TTL reset). */
const RENEW = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
`)

/** KEYS lease, epoch · ARGV node, epoch → 1 when it was ours at that epoch (now deleted). */
const RELEASE = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

/**
 * KEYS lease, epoch, log, seq · ARGV node, epoch, seq1, data1, seq2, data2, … (consecutive
 * seqs) → { appended, duplicates }. Entries at or below the stored seq are retries: skipped.
 */
const APPEND = defineScript(`${STALE}
local last = tonumber(redis.call('GET', KEYS[4]) or '0')
local first = tonumber(ARGV[3])
if first > last + 1 then
  return redis.error_reply('GAP append starts at seq ' .. ARGV[3] .. ' but the log ends at ' .. tostring(last))
end
local appended, duplicates, top = 0, 0, nil
for i = 3, #ARGV, 2 do
  if tonumber(ARGV[i]) <= last then
    duplicates = duplicates + 1
  else
    redis.call('XADD', KEYS[3], ARGV[i] .. '-0', 'e', ARGV[2], 'd', ARGV[i + 1])
    appended = appended + 1
    top = ARGV[i]
  end
end
if top then redis.call('SET', KEYS[4], top) end
return { appended, duplicates }
`)

/**
 * KEYS lease, epoch, log, seq, snapshot · ARGV node, epoch, seq, data → entries trimmed.
 * The snapshot must cover only logged entries and must not be older than the stored one.
 */
const SNAPSHOT = defineScript(`${STALE}
local last = tonumber(redis.call('GET', KEYS[4]) or '0')
local seq = tonumber(ARGV[3])
if seq > last then
  return redis.error_reply('GAP snapshot at seq ' .. ARGV[3] .. ' but the log ends at ' .. tostring(last))
end
local stored = redis.call('HGET', KEYS[5], 'seq')
if stored and tonumber(stored) > seq then
  return redis.error_reply('GAP snapshot at seq ' .. ARGV[3] .. ' is older than the stored one at ' .. stored)
end
redis.call('HSET', KEYS[5], 'seq', ARGV[3], 'epoch', ARGV[2], 'data', ARGV[4])
return redis.call('XTRIM', KEYS[3], 'MINID', ARGV[3] .. '-1')
`)

/** Maps a script's STALE / GAP errors to the catalogue; anything else passes through. */
function translate (err: unknown, region: RegionId): never {
  if (err instanceof Error && err.message.startsWith('STALE ')) throw new TesseraError('WN_STALE_EPOCH', `${region}: ${err.message.slice(6)}`, { cause: err })
  if (err instanceof Error && err.message.startsWith('GAP ')) throw new LogSequenceError(`${region}: ${err.message.slice(4)}`, { cause: err })
  throw err
}

function checkSeq (seq: number, what: string): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${seq}`)
  return String(seq)
}

function checkTtl (ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError(`lease ttl must be a positive integer of ms, got ${ttlMs}`)
  return ttlMs
}

/** The keys of one region. */
function regionKeys (prefix: string, region: RegionId): { lease: string, epoch: string, log: string, seq: string, snapshot: string } {
  const base = `${prefix}{${region}}:`
  return { lease: `${base}lease`, epoch: `${base}epoch`, log: `${base}log`, seq: `${base}seq`, snapshot: `${base}snapshot` }
}

/** Options shared by the lease and log stores. */
export interface RegionStoreOptions {
  /** Prefix of every key (default `tessera:`). */
  readonly prefix?: string
  /**
   * Replicas that must acknowledge a grant (WAIT) before acquire reports it; 0 (default) skips
   * the wait. An unacknowledged grant is released and reported as not granted.
   */
  readonly minReplicas?: number
  /** How long acquire waits for those replicas (default 500 ms). */
  readonly replicaWaitMs?: number
}

/** Region leases in Redis: acquire, renew, release, look up. */
export class RedisRegionLeases {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #minReplicas: number
  readonly #replicaWaitMs: number

  constructor (redis: Redis, options: RegionStoreOptions = {}) {
    this.#redis = redis
    this.#prefix = options.prefix ?? DEFAULT_KEY_PREFIX
    this.#minReplicas = options.minReplicas ?? 0
    this.#replicaWaitMs = options.replicaWaitMs ?? 500
  }

  /**
   * Grants the lease when it is free, expired, or already this node's, and returns the new
   * epoch (every grant increments it); null when another node holds it.
   */
  async acquire (region: RegionId, nodeId: NodeId, ttlMs: number): Promise<LeaseGrant | null> {
    const keys = regionKeys(this.#prefix, region)
    const epoch = await ACQUIRE.run(this.#redis, [keys.lease, keys.epoch], [nodeId, checkTtl(ttlMs)])
    if (epoch === null) return null
    const grant = { epoch: Number(epoch) }
    if (this.#minReplicas > 0 && await this.#redis.wait(this.#minReplicas, this.#replicaWaitMs) < this.#minReplicas) {
      await this.release(region, nodeId, grant.epoch)
      return null
    }
    return grant
  }

  /** Extends the lease by ttlMs from now; false when it is no longer this node's at this epoch. */
  async renew (region: RegionId, nodeId: NodeId, epoch: number, ttlMs: number): Promise<boolean> {
    const keys = regionKeys(this.#prefix, region)
    return await RENEW.run(this.#redis, [keys.lease, keys.epoch], [nodeId, checkSeq(epoch, 'epoch'), checkTtl(ttlMs)]) === 1
  }

  /** Gives the lease up (e.g. after a drain); false when it was not this node's at this epoch. */
  async release (region: RegionId, nodeId: NodeId, epoch: number): Promise<boolean> {
    const keys = regionKeys(this.#prefix, region)
    return await RELEASE.run(this.#redis, [keys.lease, keys.epoch], [nodeId, checkSeq(epoch, 'epoch')]) === 1
  }

  /** The current holder and epoch, or null when nobody holds the lease. */
  async holder (region: RegionId): Promise<LeaseHolder | null> {
    const keys = regionKeys(this.#prefix, region)
    const [[, owner], [, epoch], [, ttl]] = await this.#redis.multi().get(keys.lease).get(keys.epoch).pttl(keys.lease).exec() as [[null, string | null], [null, string | null], [null, number]]
    if (owner === null || epoch === null || ttl < 0) return null
    return { nodeId: owner as NodeId, epoch: Number(epoch), ttlMs: ttl }
  }
}

/** Most entries one XRANGE returns when reading the log. */
const READ_PAGE = 1000

/** The fenced region log and its snapshots. */
export class RedisRegionLog {
  readonly #redis: Redis
  readonly #prefix: string

  constructor (redis: Redis, options: Pick<RegionStoreOptions, 'prefix'> = {}) {
    this.#redis = redis
    this.#prefix = options.prefix ?? DEFAULT_KEY_PREFIX
  }

  /**
   * Appends entries atomically, only if nodeId holds the lease at epoch (else WN_STALE_EPOCH).
   * Seqs must be consecutive and start at most one past the log's end (else
   * LogSequenceError); entries already in the log are skipped as retries.
   */
  async append (region: RegionId, nodeId: NodeId, epoch: number, entries: readonly NewLogEntry[]): Promise<{ appended: number, duplicates: number }> {
    if (entries.length === 0) return { appended: 0, duplicates: 0 }
    const args: Array<string | Buffer> = [nodeId, checkSeq(epoch, 'epoch')]
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      if (entry.seq < 1 || (i > 0 && entry.seq !== entries[i - 1]!.seq + 1)) throw new LogSequenceError(`${region}: entry seqs must be consecutive from 1 up, got ${entries.map((e) => e.seq).join(',')}`)
      args.push(checkSeq(entry.seq, 'seq'), typeof entry.data === 'string' ? entry.data : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength))
    }
    const keys = regionKeys(this.#prefix, region)
    try {
      const [appended, duplicates] = await APPEND.run(this.#redis, [keys.lease, keys.epoch, keys.log, keys.seq], args) as [number, number]
      return { appended, duplicates }
    } catch (err) {
      translate(err, region)
    }
  }

  /**
   * Stores a snapshot that includes every entry up to seq and trims those entries from the
   * log, only if nodeId holds the lease at epoch. Returns how many entries were trimmed.
   */
  async writeSnapshot (region: RegionId, nodeId: NodeId, epoch: number, snapshot: { readonly seq: number, readonly data: Uint8Array | string }): Promise<{ trimmed: number }> {
    const keys = regionKeys(this.#prefix, region)
    const data = typeof snapshot.data === 'string' ? snapshot.data : Buffer.from(snapshot.data.buffer, snapshot.data.byteOffset, snapshot.data.byteLength)
    try {
      const trimmed = await SNAPSHOT.run(this.#redis, [keys.lease, keys.epoch, keys.log, keys.seq, keys.snapshot], [nodeId, checkSeq(epoch, 'epoch'), checkSeq(snapshot.seq, 'seq'), data])
      return { trimmed: Number(trimmed) }
    } catch (err) {
      translate(err, region)
    }
  }

  /** The stored snapshot, or null. */
  async readSnapshot (region: RegionId): Promise<RegionSnapshot | null> {
    const [seq, epoch, data] = await this.#redis.hmgetBuffer(regionKeys(this.#prefix, region).snapshot, 'seq', 'epoch', 'data')
    if (seq == null || epoch == null || data == null) return null
    return { seq: Number(seq.toString()), epoch: Number(epoch.toString()), data }
  }

  /** Highest seq ever appended (0 for a fresh region). */
  async lastSeq (region: RegionId): Promise<number> {
    return Number(await this.#redis.get(regionKeys(this.#prefix, region).seq) ?? 0)
  }

  /** Log entries with seq > afterSeq, oldest first, at most `limit`. */
  async readLog (region: RegionId, afterSeq: number, limit = READ_PAGE): Promise<LogEntry[]> {
    const raw = await this.#redis.xrangeBuffer(regionKeys(this.#prefix, region).log, `(${checkSeq(afterSeq, 'afterSeq')}-0`, '+', 'COUNT', limit)
    return raw.map(([id, fields]) => {
      const entry: { seq: number, epoch: number, data: Buffer } = { seq: Number(id.toString().split('-')[0]), epoch: 0, data: Buffer.alloc(0) }
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const name = fields[i]!.toString()
        if (name === 'e') entry.epoch = Number(fields[i + 1]!.toString())
        if (name === 'd') entry.data = fields[i + 1]!
      }
      return entry
    })
  }

  /**
   * Everything a new owner needs, read page by page: the snapshot and the entries after it.
   * Call after acquiring the lease, so no compaction runs concurrently.
   */
  async history (region: RegionId): Promise<RegionHistory> {
    const snapshot = await this.readSnapshot(region)
    const entries: LogEntry[] = []
    let after = snapshot?.seq ?? 0
    for (;;) {
      const page = await this.readLog(region, after)
      entries.push(...page)
      if (page.length < READ_PAGE) break
      after = page[page.length - 1]!.seq
    }
    return { snapshot, entries }
  }
}

/**
 * Applies entries in seq order on top of state that already includes everything up to
 * appliedSeq, skipping entries already applied, so replaying twice changes nothing. Throws
 * LogSequenceError on a gap. Returns the new appliedSeq.
 */
export function applyInOrder (entries: readonly LogEntry[], appliedSeq: number, apply: (entry: LogEntry) => void): number {
  let applied = appliedSeq
  for (const entry of entries) {
    if (entry.seq <= applied) continue
    if (entry.seq !== applied + 1) throw new LogSequenceError(`log jumps from seq ${applied} to ${entry.seq}`)
    apply(entry)
    applied = entry.seq
  }
  return applied
}
