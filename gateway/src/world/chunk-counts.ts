/** A count per chunk that forgets chunks whose count falls to zero. */
import type { ChunkKey } from '#shared/ids.ts'

export class ChunkCounts {
  readonly #counts = new Map<ChunkKey, number>()

  get (chunk: ChunkKey): number {
    return this.#counts.get(chunk) ?? 0
  }

  add (chunk: ChunkKey, delta: number): void {
    const count = (this.#counts.get(chunk) ?? 0) + delta
    if (count === 0) this.#counts.delete(chunk)
    else this.#counts.set(chunk, count)
  }
}
