/**
 * Durable before confirmed (design decision 6): a tick's block changes, player saves and meta
 * values are written as one batch at the end of the tick, and the facts that confirm them are
 * delivered only after the batch is in the store. Batches are written one after another, and
 * reads queue behind the writes issued before them, so a reader never sees an older state than
 * a client was already told about.
 */
import type { Logger } from '#shared/logger.ts'
import type { PlayerId } from '#shared/ids.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import type { BlockChangeRecord, WorldStore } from './store/world-store.ts'

const RETRY_DELAY_MS = 250

interface Batch {
  readonly changes: BlockChangeRecord[]
  readonly players: Map<PlayerId, PlayerSnapshot>
  readonly meta: Map<string, string>
  readonly deliveries: Array<() => void>
}

function emptyBatch (): Batch {
  return { changes: [], players: new Map(), meta: new Map(), deliveries: [] }
}

function hasWrites (batch: Batch): boolean {
  return batch.changes.length > 0 || batch.players.size > 0 || batch.meta.size > 0
}

/** Collects one tick's writes and the confirmations that must wait for them. */
export class DurableOutbox {
  readonly #store: WorldStore
  readonly #log: Logger
  #batch: Batch = emptyBatch()
  #chain: Promise<void> = Promise.resolve()
  #giveUp = false

  constructor (store: WorldStore, log: Logger) {
    this.#store = store
    this.#log = log
  }

  /** Queues a block change for this tick's batch. */
  recordBlockChange (change: BlockChangeRecord): void {
    this.#batch.changes.push(change)
  }

  /** Queues a player save (the latest snapshot of the tick wins). */
  savePlayer (id: PlayerId, snapshot: PlayerSnapshot): void {
    this.#batch.players.set(id, snapshot)
  }

  /** Queues a meta value. */
  saveMeta (key: string, value: string): void {
    this.#batch.meta.set(key, value)
  }

  /** Runs `deliver` once everything queued so far is durable. */
  afterDurable (deliver: () => void): void {
    this.#batch.deliveries.push(deliver)
  }

  /** Ends the tick's batch: writes it behind earlier batches, then runs its deliveries. */
  commit (): void {
    const batch = this.#batch
    if (!hasWrites(batch) && batch.deliveries.length === 0) return
    this.#batch = emptyBatch()
    this.#chain = this.#chain.then(async () => { await this.#write(batch) })
  }

  /**
   * A read ordered after every write queued so far, including this tick's batch: it starts once
   * that batch is written (at the end of the current tick).
   */
  async read<T> (load: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => { this.#batch.deliveries.push(resolve) })
    return await load()
  }

  /** Commits and waits until everything is written; failing writes are tried once more, then dropped. */
  async flush (): Promise<void> {
    this.#giveUp = true
    this.commit()
    await this.#chain
  }

  async #write (batch: Batch): Promise<void> {
    // A batch of confirmations only (a chunk served, a read queued) has nothing to store: the
    // chain already ordered it behind every earlier write. Storing it anyway cost an empty SQLite
    // transaction (four lock syscalls) every other tick at 20 walking players.
    if (hasWrites(batch) && !await this.#persist(batch)) return
    for (const deliver of batch.deliveries) deliver()
  }

  /** Stores a batch, retrying while running; false once flush() gave up on it. */
  async #persist (batch: Batch): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.#store.writeBatch !== undefined) {
          await this.#store.writeBatch(batch)
        } else {
          const writes: Array<Promise<void>> = []
          if (batch.changes.length > 0) writes.push(this.#store.appendBlockChanges(batch.changes))
          for (const [id, snapshot] of batch.players) writes.push(this.#store.savePlayer(id, snapshot))
          for (const [key, value] of batch.meta) writes.push(this.#store.saveMeta(key, value))
          await Promise.all(writes)
        }
        return true
      } catch (err) {
        // Never confirm what is not stored: retry while running; the confirmations wait.
        this.#log.error({ err, attempt, changes: batch.changes.length, players: batch.players.size }, 'world store write failed')
        if (this.#giveUp && attempt >= 2) return false
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * Math.min(attempt, 8)))
      }
    }
  }
}
