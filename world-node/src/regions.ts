/**
 * Region ownership as the game logic sees it. Embedded mode owns every region; distributed mode
 * (cluster/leased-regions.ts) owns the regions whose leases it holds, acquired on demand when
 * rendezvous placement names this node. Every answer here is read inside the tick; ownership
 * changes are applied inside the tick too (through the hooks the node passes in).
 */
import { regionOfChunk } from '#shared/coords.ts'
import type { ChunkKey, RegionId } from '#shared/ids.ts'
import { parseChunkKey } from '#shared/coords.ts'

/** How a needed region stands: owned now, being acquired, or placed on another node. */
export type RegionAvailability = 'owned' | 'pending' | 'elsewhere'

/** A region that could not be acquired (another node still holds its lease) is asked for again after this. */
export const REGION_RETRY_MS = 500

/** Which regions this node may serve and write. */
export interface RegionOwnership {
  /** True for the embedded node, which owns every region. */
  readonly all: boolean
  /** True while this node holds the region (it may serve and write it). */
  owns (region: RegionId): boolean
  /** The region is needed now: acquire it when placement names this node. */
  want (region: RegionId): RegionAvailability
  /** Calls `then` inside a tick once the region is owned (true) or cannot be acquired now (false). */
  whenOwned (region: RegionId, then: (owned: boolean) => void): void
  /** The regions owned now (empty for `all`). */
  owned (): RegionId[]
}

/** What ownership tells the node (always called inside the tick). */
export interface RegionHooks {
  /** Runs a job at the start of the next tick (waking a node paused while empty). */
  enqueue (job: () => void): void
  /** Runs a housekeeping job at the start of the next tick, without waking a paused node. */
  enqueueQuietly (job: () => void): void
  /** This node stopped owning a region: drop its chunks and subscriptions. */
  lost (region: RegionId, reason: string): void
  /** The owned set changed: tell every gateway. */
  changed (): void
  /** The regions something needs now: a subscribed chunk, a player standing in it. */
  regionsInUse (): Set<RegionId>
  /** Runs `job` once every durable write queued so far is done (e.g. releasing a lease). */
  afterWrites (job: () => Promise<void>): void
}

/** Embedded mode: one node owns the whole world. */
export const ALL_REGIONS: RegionOwnership = {
  all: true,
  owns: () => true,
  want: () => 'owned',
  whenOwned: (_region, then) => { then(true) },
  owned: () => []
}

/** The region of a world position (block or entity coordinates). */
export function regionAt (x: number, z: number, regionSize: number): RegionId {
  return regionOfChunk(Math.floor(x / 16), Math.floor(z / 16), regionSize)
}

/** The region of a chunk key. */
export function regionOfKey (key: ChunkKey, regionSize: number): RegionId {
  const { x, z } = parseChunkKey(key)
  return regionOfChunk(x, z, regionSize)
}
