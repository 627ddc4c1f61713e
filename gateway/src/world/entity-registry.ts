/**
 * The entities this gateway knows, by id and by the chunk each stands in. With the per-chunk
 * counts of what each client shows (session/shown-entities.ts) the move fan-out tells in O(1)
 * whether a viewer shows every entity of a chunk, instead of asking once per mover and viewer.
 * An entity's chunk changes only through moveTo, so the index stays exact.
 */
import type { ChunkKey } from '#shared/ids.ts'
import type { KnownEntity } from './world-router.ts'

const EMPTY: ReadonlySet<KnownEntity> = new Set()

export class EntityRegistry {
  readonly #byId = new Map<number, KnownEntity>()
  readonly #byChunk = new Map<ChunkKey, Set<KnownEntity>>()

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
    this.#index(entity)
  }

  delete (entityId: number): boolean {
    const entity = this.#byId.get(entityId)
    if (entity === undefined) return false
    this.#byId.delete(entityId)
    this.#unindex(entity)
    return true
  }

  /** Moves a known entity to `chunk`; true when that is another chunk than it stood in. */
  moveTo (entity: KnownEntity, chunk: ChunkKey): boolean {
    if (entity.chunk === chunk) return false
    const registered = this.#byId.get(entity.entityId) === entity
    if (registered) this.#unindex(entity)
    entity.chunk = chunk
    if (registered) this.#index(entity)
    return true
  }

  /** Known entities standing in the chunk. */
  countIn (chunk: ChunkKey): number {
    return this.inChunk(chunk).size
  }

  /** The known entities standing in the chunk (live view: copy it before moving them). */
  inChunk (chunk: ChunkKey): ReadonlySet<KnownEntity> {
    return this.#byChunk.get(chunk) ?? EMPTY
  }

  #index (entity: KnownEntity): void {
    let here = this.#byChunk.get(entity.chunk)
    if (here === undefined) this.#byChunk.set(entity.chunk, here = new Set())
    here.add(entity)
  }

  #unindex (entity: KnownEntity): void {
    const here = this.#byChunk.get(entity.chunk)
    if (here === undefined) return
    here.delete(entity)
    if (here.size === 0) this.#byChunk.delete(entity.chunk)
  }
}
