/**
 * Who shows each entity: entity id → the viewers whose clients show it. Kept by each viewer's
 * ShownEntities, so a move to another chunk or a removal visits the entity's viewers only, not
 * every session on the gateway (at 800 players that was 800 visits per chunk crossing).
 */
const EMPTY: ReadonlySet<never> = new Set()

export class EntityViewers<V> {
  readonly #byEntity = new Map<number, Set<V>>()

  add (entityId: number, viewer: V): void {
    let viewers = this.#byEntity.get(entityId)
    if (viewers === undefined) this.#byEntity.set(entityId, viewers = new Set())
    viewers.add(viewer)
  }

  delete (entityId: number, viewer: V): void {
    const viewers = this.#byEntity.get(entityId)
    if (viewers === undefined) return
    viewers.delete(viewer)
    if (viewers.size === 0) this.#byEntity.delete(entityId)
  }

  /** The viewers showing the entity (live view: copy it before changing what they show). */
  of (entityId: number): ReadonlySet<V> {
    return this.#byEntity.get(entityId) ?? EMPTY
  }

  /** Entities shown by anyone (tests: nothing is left behind). */
  get size (): number { return this.#byEntity.size }
}
