/**
 * The entities one client shows, each with the chunk it stood in when shown or last moved, and
 * how many stand in each chunk. A viewer whose count for a chunk equals the gateway's
 * (world/entity-registry.ts, less its own entity) shows every entity there. Every add and
 * delete is mirrored in the gateway's EntityViewers, which answers who shows an entity.
 */
import type { ChunkKey } from '#shared/ids.ts'
import { ChunkCounts } from '../world/chunk-counts.ts'
import type { EntityViewers } from '../world/entity-viewers.ts'
import type { KnownEntity } from '../world/world-router.ts'

export class ShownEntities<V> {
  readonly #chunkOf = new Map<number, ChunkKey>()
  readonly #perChunk = new ChunkCounts()
  readonly #viewers: EntityViewers<V>
  readonly #owner: V

  /** `owner` is the viewer these entities are shown to, as `viewers` records it. */
  constructor (viewers: EntityViewers<V>, owner: V) {
    this.#viewers = viewers
    this.#owner = owner
  }

  get size (): number { return this.#chunkOf.size }

  has (entityId: number): boolean {
    return this.#chunkOf.has(entityId)
  }

  add (entity: KnownEntity): void {
    if (this.#chunkOf.has(entity.entityId)) this.delete(entity.entityId)
    this.#chunkOf.set(entity.entityId, entity.chunk)
    this.#perChunk.add(entity.chunk, 1)
    this.#viewers.add(entity.entityId, this.#owner)
  }

  delete (entityId: number): boolean {
    const chunk = this.#chunkOf.get(entityId)
    if (chunk === undefined) return false
    this.#chunkOf.delete(entityId)
    this.#perChunk.add(chunk, -1)
    this.#viewers.delete(entityId, this.#owner)
    return true
  }

  /** Forgets every shown entity (the client is gone). */
  clear (): void {
    for (const entityId of [...this.#chunkOf.keys()]) this.delete(entityId)
  }

  /** A shown entity now stands in `chunk` (nothing happens for one not shown). */
  moved (entityId: number, chunk: ChunkKey): void {
    const from = this.#chunkOf.get(entityId)
    if (from === undefined || from === chunk) return
    this.#chunkOf.set(entityId, chunk)
    this.#perChunk.add(from, -1)
    this.#perChunk.add(chunk, 1)
  }

  /** Shown entities standing in the chunk. */
  countIn (chunk: ChunkKey): number {
    return this.#perChunk.get(chunk)
  }

  /** The shown entity ids, with their chunks. */
  entries (): IterableIterator<[number, ChunkKey]> {
    return this.#chunkOf.entries()
  }
}
