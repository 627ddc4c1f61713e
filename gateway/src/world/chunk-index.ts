/** Which players on this gateway have each chunk loaded: the fan-out index for chunk facts. */
import type { ChunkKey } from '#shared/ids.ts'
import type { PlayerSession } from '../session/player-session.ts'

const EMPTY: ReadonlySet<PlayerSession> = new Set()

/** Chunk → the sessions that have it loaded. */
export class ChunkIndex {
  readonly #byChunk = new Map<ChunkKey, Set<PlayerSession>>()

  add (key: ChunkKey, session: PlayerSession): void {
    let set = this.#byChunk.get(key)
    if (set === undefined) {
      set = new Set()
      this.#byChunk.set(key, set)
    }
    set.add(session)
  }

  remove (key: ChunkKey, session: PlayerSession): void {
    const set = this.#byChunk.get(key)
    if (set === undefined) return
    set.delete(session)
    if (set.size === 0) this.#byChunk.delete(key)
  }

  /** Sessions with the chunk loaded (live view; do not mutate). */
  viewers (key: ChunkKey): ReadonlySet<PlayerSession> {
    return this.#byChunk.get(key) ?? EMPTY
  }
}
