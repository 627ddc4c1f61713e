/**
 * The gateway's side of the world: links to world-nodes, the route of each player's intents to
 * the node that owns them, and the shared views facts fan out through (chunk index, entity
 * registry, tab list). Embedded mode has one link; the distributed directory adds more.
 */
import type { ChunkKey, PlayerId } from '#shared/ids.ts'
import type { Link } from '#shared/link.ts'
import type { Logger } from '#shared/logger.ts'
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway, type PlayerListEntry } from '#shared/world-messages.ts'
import type { WorldShape } from '../packets/play-packets.ts'
import { ChunkIndex } from './chunk-index.ts'

/** What the gateway remembers of an entity it has been told about. */
export interface KnownEntity {
  readonly entityId: number
  readonly playerId: PlayerId
  readonly name: string
  x: number
  y: number
  z: number
  yaw: number
  pitch: number
  chunk: ChunkKey
}

/** A link to a world-node, from the gateway's side. */
export type WorldLink = Link<GatewayToNode, NodeToGateway>

/** Routes intents to world-nodes and keeps the views facts are fanned out through. */
export class WorldRouter {
  readonly chunkIndex = new ChunkIndex()
  readonly entities = new Map<number, KnownEntity>()
  readonly playerList = new Map<PlayerId, PlayerListEntry>()
  time = { worldAge: 0, timeOfDay: 0 }
  shape: WorldShape = { minY: -64, worldHeight: 384, viewDistance: 8, seaLevel: 63 }
  #link: WorldLink | undefined
  #ready: Promise<void> | undefined
  readonly #log: Logger
  readonly #onFact: (fact: NodeToGateway) => void

  constructor (log: Logger, onFact: (fact: NodeToGateway) => void) {
    this.#log = log
    this.#onFact = onFact
  }

  /** Uses this link for every player; resolves once the node has welcomed the gateway. */
  async connect (link: WorldLink, hello: Extract<GatewayToNode, { type: typeof WorldCommand.Hello }>): Promise<void> {
    this.#link = link
    this.#ready = new Promise((resolve, reject) => {
      link.onClose((reason) => {
        this.#log.warn({ reason }, 'world link closed')
        reject(new Error(`world link closed: ${reason}`))
      })
      link.onMessage((fact) => {
        if (fact.type === WorldFact.Welcome) {
          this.shape = { minY: fact.minY, worldHeight: fact.worldHeight, viewDistance: fact.viewDistance, seaLevel: 63 }
          resolve()
        }
        try {
          this.#onFact(fact)
        } catch (err) {
          this.#log.error({ err, fact: fact.type }, 'fact handler failed')
        }
      })
    })
    link.send(hello)
    await this.#ready
  }

  /** True when a world-node link is up. */
  get available (): boolean {
    return this.#link !== undefined && !this.#link.closed
  }

  /** Sends a player's intent to the node that owns them. */
  send (_playerId: PlayerId, command: GatewayToNode): void {
    this.#link?.send(command)
  }

  /** Closes every link. */
  close (reason: string): void {
    this.#link?.close(reason)
  }
}
