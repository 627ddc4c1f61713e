/**
 * The entities this gateway knows, by id, with how many stand in each chunk. With the per-chunk
 * counts of what each client shows (session/shown-entities.ts) the move fan-out tells in O(1)
 * whether a viewer shows every entity of a chunk, instead of asking once per mover and viewer.
 * An entity's chunk changes only through moveTo, so the counts stay exact.
 */
import type { ChunkKey } from '#shared/ids.ts'
import { ChunkCounts } from './chunk-counts.ts'
import type { KnownEntity } from './world-router.ts'

export class EntityRegistry {
  readonly #byId = new Map<number, KnownEntity>()
  readonly #perChunk = new ChunkCounts()

  get size (): number { return this.#byId.size }

  get (entityId: number): KnownEntity | undefined {
    return this.#byId.get(entityId)
  }

  values (): IterableIterator<KnownEntity> {
    return this.#byId.values()
  }

  /** Registers a new entity (one already known under its id is replaced). */
  add (entity: KnownEntity): void {
    this.delete(entity.entityId)
    this.#byId.set(entity.entityId, entity)
    this.#perChunk.add(entity.chunk, 1)
  }

  delete (entityId: number): boolean {
    const entity = this.#byId.get(entityId)
    if (entity === undefined) return false
    this.#byId.delete(entityId)
    this.#perChunk.add(entity.chunk, -1)
    return true
  }

  /** Moves a known entity to `chunk`; true when that is another chunk than it stood in. */
  moveTo (entity: KnownEntity, chunk: ChunkKey): boolean {
    if (entity.chunk === chunk) return false
    if (this.#byId.get(entity.entityId) === entity) {
      this.#perChunk.add(entity.chunk, -1)
      this.#perChunk.add(chunk, 1)
    }
    entity.chunk = chunk
    return true
  }

  /** Known entities standing in the chunk. */
  countIn (chunk: ChunkKey): number {
    return this.#perChunk.get(chunk)
  }
}
