/**
 * The players on this gateway: logged-in connections by player id (one per account) and the
 * play sessions facts are delivered to.
 */
import { ErrorCodes } from '#shared/errors.ts'
import type { PlayerId } from '#shared/ids.ts'
import type { ClientConnection } from '../connection/client-connection.ts'
import type { PlayerSession } from './player-session.ts'

/** How long a kicked duplicate may take to close before it is cut. */
const DUPLICATE_CLOSE_TIMEOUT_MS = 2000

/** Connections and sessions of this gateway, by player id. */
export class PlayerDirectory {
  readonly #connections = new Map<PlayerId, ClientConnection>()
  readonly #sessions = new Map<PlayerId, PlayerSession>()

  /** Registers a logged-in connection, first kicking any older one of the same account here. */
  async replace (playerId: PlayerId, client: ClientConnection): Promise<void> {
    const old = this.#connections.get(playerId)
    this.#connections.set(playerId, client)
    client.onClose(() => {
      if (this.#connections.get(playerId) === client) this.#connections.delete(playerId)
    })
    if (old === undefined || old.closed) return
    await kickAndWait(old, ErrorCodes.AUTH_DUPLICATE_LOGIN)
  }

  /** The logged-in connection of a player, if on this gateway. */
  connection (playerId: PlayerId): ClientConnection | undefined {
    return this.#connections.get(playerId)
  }

  /** Every logged-in connection. */
  connections (): IterableIterator<ClientConnection> {
    return this.#connections.values()
  }

  /** Adds a play session (attaching or attached). */
  add (session: PlayerSession): void {
    this.#sessions.set(session.playerId, session)
  }

  /** Removes a play session if it is still the registered one. */
  remove (session: PlayerSession): void {
    if (this.#sessions.get(session.playerId) === session) this.#sessions.delete(session.playerId)
  }

  /** The play session of a player on this gateway. */
  session (playerId: PlayerId): PlayerSession | undefined {
    return this.#sessions.get(playerId)
  }

  /** Sessions that completed the join sequence: the ones that may receive play packets. */
  * sessions (): IterableIterator<PlayerSession> {
    for (const session of this.#sessions.values()) if (session.attached && !session.client.closed) yield session
  }

  /** Number of play sessions. */
  get size (): number {
    return this.#sessions.size
  }
}

/** Disconnects a connection and resolves when it has closed (or after a bound). */
export async function kickAndWait (client: ClientConnection, reason: string): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    client.onClose(resolve)
    const timer = setTimeout(() => {
      client.protocol.destroy()
      resolve()
    }, DUPLICATE_CLOSE_TIMEOUT_MS)
    timer.unref()
  })
  client.disconnect(reason)
  await closed
}
