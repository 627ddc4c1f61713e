/**
 * The world-node's durable store: player snapshots, block changes over the generated terrain
 * (only changes are stored, design decision 7) and small meta values such as the world age.
 * Embedded mode uses SQLite; distributed mode will use Redis behind the same interface.
 */
import type { ChunkKey, PlayerId } from '#shared/ids.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'

/** One stored block: absolute world coordinates and the cluster version's block state id. */
export interface StoredBlock {
  readonly x: number
  readonly y: number
  readonly z: number
  readonly stateId: number
}

/** A block change to append: the block and the chunk column that holds it. */
export interface BlockChangeRecord extends StoredBlock {
  readonly chunk: ChunkKey
}

/** One tick's writes: block changes in order, the latest snapshot per player, meta values. */
export interface WriteBatch {
  readonly changes: readonly BlockChangeRecord[]
  readonly players: ReadonlyMap<PlayerId, PlayerSnapshot>
  readonly meta: ReadonlyMap<string, string>
}

/**
 * Durable world state. Every write resolves only once the data survives a process crash, so a
 * caller may confirm the change to a client afterwards (design decision 6).
 */
export interface WorldStore {
  /** The player's last saved snapshot, or null for a player never saved. */
  loadPlayer (id: PlayerId): Promise<PlayerSnapshot | null>
  /** Replaces the player's snapshot. */
  savePlayer (id: PlayerId, snapshot: PlayerSnapshot): Promise<void>
  /** Every stored change in one chunk column; one entry per block position (the last write). */
  loadChunkChanges (key: ChunkKey): Promise<StoredBlock[]>
  /** Appends changes atomically, in order: the last change to a position wins. */
  appendBlockChanges (changes: readonly BlockChangeRecord[]): Promise<void>
  /** A meta value (world age, …), or null when unset. */
  loadMeta (key: string): Promise<string | null>
  /** Sets a meta value. */
  saveMeta (key: string, value: string): Promise<void>
  /**
   * Optional: writes a whole batch at once, atomically. For a store whose every write is a
   * commit of its own on the caller's thread (SQLite: a WAL sync each), this is one commit for
   * the batch. Without it the outbox issues the batch's writes together, one call each.
   */
  writeBatch? (batch: WriteBatch): Promise<void>
  /**
   * Distributed stores only: makes this node the player's single writer by bumping the player's
   * epoch in the store; saves by any earlier writer are refused from then on. Saves issued after
   * the call wait for it.
   */
  claimPlayer? (id: PlayerId): Promise<void>
  /** Distributed stores only: this node writes the player no more (saves are dropped). */
  releasePlayer? (id: PlayerId): void
  /** Releases the store; no call may follow. */
  close (): Promise<void>
}
