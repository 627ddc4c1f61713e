/**
 * Chunk interest (design decision 4): which gateway link subscribed which of its players to
 * which chunk. Chunk-scoped facts go to every link with at least one subscriber of the chunk.
 */
import type { ChunkKey, PlayerId } from '#shared/ids.ts'
import type { GatewayConnection } from './gateway-links.ts'

/** Subscriptions per (link, player, chunk). */
export class Subscriptions {
  readonly #byChunk = new Map<ChunkKey, Map<GatewayConnection, Set<PlayerId>>>()
  readonly #byViewer = new Map<GatewayConnection, Map<PlayerId, Set<ChunkKey>>>()

  /** Adds one subscription; false when it already existed. */
  add (connection: GatewayConnection, playerId: PlayerId, chunk: ChunkKey): boolean {
    let viewers = this.#byViewer.get(connection)
    if (viewers === undefined) this.#byViewer.set(connection, viewers = new Map())
    let chunks = viewers.get(playerId)
    if (chunks === undefined) viewers.set(playerId, chunks = new Set())
    if (chunks.has(chunk)) return false
    chunks.add(chunk)
    let links = this.#byChunk.get(chunk)
    if (links === undefined) this.#byChunk.set(chunk, links = new Map())
    let players = links.get(connection)
    if (players === undefined) links.set(connection, players = new Set())
    players.add(playerId)
    return true
  }

  /** Removes one subscription; false when there was none. */
  remove (connection: GatewayConnection, playerId: PlayerId, chunk: ChunkKey): boolean {
    const chunks = this.#byViewer.get(connection)?.get(playerId)
    if (chunks?.delete(chunk) !== true) return false
    if (chunks.size === 0) this.#byViewer.get(connection)?.delete(playerId)
    const links = this.#byChunk.get(chunk)
    const players = links?.get(connection)
    players?.delete(playerId)
    if (players?.size === 0) links?.delete(connection)
    if (links?.size === 0) this.#byChunk.delete(chunk)
    return true
  }

  /** Removes every subscription of one player on one link. */
  removePlayer (connection: GatewayConnection, playerId: PlayerId): void {
    const chunks = this.#byViewer.get(connection)?.get(playerId)
    if (chunks === undefined) return
    for (const chunk of [...chunks]) this.remove(connection, playerId, chunk)
  }

  /** Removes every subscription of a link (it closed). */
  removeConnection (connection: GatewayConnection): void {
    const viewers = this.#byViewer.get(connection)
    if (viewers === undefined) return
    for (const playerId of [...viewers.keys()]) this.removePlayer(connection, playerId)
    this.#byViewer.delete(connection)
  }

  /** Removes every subscription of the chunks matching `match` (their region was given up). */
  removeChunksWhere (match: (chunk: ChunkKey) => boolean): void {
    for (const [chunk, links] of [...this.#byChunk]) {
      if (!match(chunk)) continue
      for (const [connection, players] of [...links]) for (const playerId of [...players]) this.remove(connection, playerId, chunk)
    }
  }

  /** True when this player on this link is subscribed to the chunk. */
  has (connection: GatewayConnection, playerId: PlayerId, chunk: ChunkKey): boolean {
    return this.#byViewer.get(connection)?.get(playerId)?.has(chunk) === true
  }

  /** Links with at least one subscriber of the chunk. */
  linksFor (chunk: ChunkKey): Iterable<GatewayConnection> {
    return this.#byChunk.get(chunk)?.keys() ?? []
  }

  /** Links subscribed to either chunk, each once (the same chunk twice copies nothing). */
  linksForEither (a: ChunkKey, b: ChunkKey): Iterable<GatewayConnection> {
    if (a === b) return this.linksFor(a)
    const out = new Set(this.linksFor(a))
    for (const link of this.linksFor(b)) out.add(link)
    return out
  }

  /** Every chunk somebody subscribes to. */
  watchedChunks (): Iterable<ChunkKey> {
    return this.#byChunk.keys()
  }

  /** True when anybody subscribes to the chunk. */
  isWatched (chunk: ChunkKey): boolean {
    return this.#byChunk.has(chunk)
  }
}
