/**
 * The gateway links this node serves: each one's handshake state and the fan-out helpers the
 * game logic uses (to one link, to all links, to the subscribers of chunks).
 */
import type { GatewayId } from '#shared/ids.ts'
import type { Link } from '#shared/link.ts'
import type { GatewayToNode, NodeToGateway } from '#shared/world-messages.ts'

/** One gateway link as the node sees it. */
export interface GatewayConnection {
  /** Node-local number, for logs and maps. */
  readonly id: number
  readonly link: Link<NodeToGateway, GatewayToNode>
  /** Set by Hello; null until then. */
  gatewayId: GatewayId | null
  /** True once Hello was accepted; only then does the link receive world facts. */
  ready: boolean
}

/** The set of connected gateway links. */
export class GatewayLinks {
  readonly #connections = new Set<GatewayConnection>()
  #nextId = 1

  /** Registers a new, not yet greeted link. */
  add (link: Link<NodeToGateway, GatewayToNode>): GatewayConnection {
    const connection: GatewayConnection = { id: this.#nextId++, link, gatewayId: null, ready: false }
    this.#connections.add(connection)
    return connection
  }

  /** Forgets a closed link. */
  remove (connection: GatewayConnection): void {
    this.#connections.delete(connection)
  }

  /** Every link, greeted or not. */
  all (): Iterable<GatewayConnection> {
    return this.#connections
  }

  /** Sends to one link (dropped when it has closed). */
  send (connection: GatewayConnection, message: NodeToGateway): void {
    if (!connection.ready || connection.link.closed) return
    connection.link.send(message)
  }

  /** Sends to every greeted link (cluster-wide facts: chat, player list, time). */
  broadcast (message: NodeToGateway): void {
    for (const connection of this.#connections) this.send(connection, message)
  }

  /** Sends to each of these links once. */
  sendToEach (connections: Iterable<GatewayConnection>, message: NodeToGateway): void {
    for (const connection of connections) this.send(connection, message)
  }
}
