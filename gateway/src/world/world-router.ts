/**
 * The gateway's side of the world: links to world-nodes, the route of each player's intents to
 * the node that owns them, chunk subscriptions sent to whichever node owns each chunk, the
 * gateway's half of the two-phase handoff, and the shared views facts fan out through (chunk
 * index, entity registry, tab list). Embedded mode has one link whose node owns every region.
 */
import { regionOfChunk } from '#shared/coords.ts'
import { placeRegion } from '#shared/cluster/placement.ts'
import type { ChunkKey, NodeId, PlayerId, RegionId } from '#shared/ids.ts'
import type { Link } from '#shared/link.ts'
import type { Logger } from '#shared/logger.ts'
import { RecentSamples } from '#shared/recent-samples.ts'
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway, type PlayerListEntry, type PlayerProfile } from '#shared/world-messages.ts'
import type { WorldShape } from '../packets/play-packets.ts'
import type { PlayerSession } from '../session/player-session.ts'
import { ChunkIndex } from './chunk-index.ts'
import { EntityRegistry } from './entity-registry.ts'
import { EntityViewers } from './entity-viewers.ts'

/**
 * What the gateway remembers of an entity it has been told about. x/y/z/yaw/pitch are what every
 * viewer on this gateway currently shows (the base of relative moves), not the latest report.
 */
export interface KnownEntity {
  readonly entityId: number
  readonly playerId: PlayerId
  readonly name: string
  x: number
  y: number
  z: number
  yaw: number
  pitch: number
  onGround: boolean
  /** updates since the last absolute position (entity-motion.ts) */
  movesSinceSync: number
  /** Changed only through moveEntity (session/entity-view.ts): the per-chunk counts of the registry and of every viewer follow it. */
  chunk: ChunkKey
}

/** A link to a world-node, from the gateway's side. */
export type WorldLink = Link<GatewayToNode, NodeToGateway>

type Hello = Extract<GatewayToNode, { type: typeof WorldCommand.Hello }>
type Command = GatewayToNode
type ChunkList = ReadonlyArray<{ x: number, z: number }>

/** How long the gateway waits for a transfer to commit before it aborts it. */
export const TRANSFER_TIMEOUT_MS = 3000
/** Input buffered during one transfer, at most; beyond it the oldest moves are dropped. */
const MAX_BUFFERED = 512
/** Handoff latency is reported over the last this many handoffs. */
export const HANDOFF_LATENCY_SAMPLES = 10_000

interface NodeLink { readonly nodeId: string, readonly link: WorldLink, regions: Set<RegionId>, all: boolean }

interface Transfer {
  readonly id: string
  readonly playerId: PlayerId
  readonly source: string
  target: string | undefined
  readonly buffer: Command[]
  readonly timer: NodeJS.Timeout
  readonly startedAt: number
}

/** What the router needs to know of a player on this gateway to hand it over. */
export interface PlayerFacts { readonly profile: PlayerProfile, readonly viewDistance: number }

/** Handoff figures for benchmarks and the closing of a transfer. */
export interface HandoffStats { completed: number, aborted: number, readonly latenciesMs: RecentSamples }

/** Routes intents to world-nodes and keeps the views facts are fanned out through. */
export class WorldRouter {
  readonly chunkIndex = new ChunkIndex()
  readonly entities = new EntityRegistry()
  /** Who shows each entity (kept by the sessions' ShownEntities). */
  readonly entityViewers = new EntityViewers<PlayerSession>()
  readonly playerList = new Map<PlayerId, PlayerListEntry>()
  readonly handoffs: HandoffStats = { completed: 0, aborted: 0, latenciesMs: new RecentSamples(Infinity, HANDOFF_LATENCY_SAMPLES) }
  time = { worldAge: 0, timeOfDay: 0 }
  shape: WorldShape = { minY: -64, worldHeight: 384, viewDistance: 8, seaLevel: 63 }
  regionSize = 16
  readonly #nodes = new Map<string, NodeLink>()
  readonly #playerNode = new Map<PlayerId, string>()
  readonly #transfers = new Map<PlayerId, Transfer>()
  /** Every chunk each player is subscribed to, so a region that changes owner is re-subscribed there. */
  readonly #subscriptions = new Map<PlayerId, Map<ChunkKey, { x: number, z: number, sentTo?: string }>>()
  /** Subscriptions waiting for an owner of their region, per player. */
  readonly #unrouted = new Map<PlayerId, Map<ChunkKey, { x: number, z: number }>>()
  readonly #log: Logger
  readonly #onFact: (fact: NodeToGateway) => void
  readonly #playerFacts: (playerId: PlayerId) => PlayerFacts | undefined

  constructor (log: Logger, onFact: (fact: NodeToGateway) => void, playerFacts: (playerId: PlayerId) => PlayerFacts | undefined) {
    this.#log = log
    this.#onFact = onFact
    this.#playerFacts = playerFacts
  }

  /** Adds a world-node link; resolves once the node has welcomed the gateway. */
  async connect (link: WorldLink, hello: Hello): Promise<string> {
    let node: NodeLink | undefined
    const welcomed = new Promise<string>((resolve, reject) => {
      link.onClose((reason) => {
        this.#log.warn({ reason, node: node?.nodeId }, 'world link closed')
        if (node !== undefined) this.#nodeLost(node)
        reject(new Error(`world link closed: ${reason}`))
      })
      link.onMessage((fact) => {
        if (fact.type === WorldFact.Welcome) {
          this.shape = { minY: fact.minY, worldHeight: fact.worldHeight, viewDistance: fact.viewDistance, seaLevel: 63 }
          this.regionSize = fact.regionSize
          node = { nodeId: fact.nodeId, link, regions: new Set(), all: false }
          this.#nodes.set(fact.nodeId, node)
          resolve(fact.nodeId)
        }
        if (node === undefined) return
        try {
          this.#receive(node, fact)
        } catch (err) {
          this.#log.error({ err, fact: fact.type }, 'fact handler failed')
        }
      })
    })
    link.send(hello)
    return await welcomed
  }

  /** True when at least one world-node link is up. */
  get available (): boolean {
    for (const node of this.#nodes.values()) if (!node.link.closed) return true
    return false
  }

  /** Node ids this gateway is linked to. */
  get nodeIds (): string[] {
    return [...this.#nodes.keys()]
  }

  /** The node that simulates a player now, if any. */
  nodeOf (playerId: PlayerId): string | undefined {
    return this.#playerNode.get(playerId)
  }

  /**
   * The node that owns the region of chunk (x, z); for a region nobody has announced, the node
   * rendezvous placement names over the linked nodes (nodes lease regions on demand, so asking
   * that node is what makes it take the region).
   */
  ownerOf (x: number, z: number): NodeLink | undefined {
    const region = regionOfChunk(x, z, this.regionSize)
    let all: NodeLink | undefined
    for (const node of this.#nodes.values()) {
      if (node.link.closed) continue
      if (node.regions.has(region)) return node
      if (node.all) all = node
    }
    if (all !== undefined) return all
    const live: NodeId[] = []
    for (const node of this.#nodes.values()) if (!node.link.closed) live.push(node.nodeId as NodeId)
    const placed = placeRegion(region, live)
    return placed === null ? undefined : this.#nodes.get(placed)
  }

  /** Sends a player's intent to the node that owns them (subscriptions: to each chunk's owner). */
  send (playerId: PlayerId, command: Command): void {
    switch (command.type) {
      case WorldCommand.SubscribeChunks: {
        let subscribed = this.#subscriptions.get(playerId)
        if (subscribed === undefined) this.#subscriptions.set(playerId, subscribed = new Map())
        for (const chunk of command.chunks) subscribed.set(`${chunk.x},${chunk.z}` as ChunkKey, { x: chunk.x, z: chunk.z })
        this.#routeChunks(playerId, command.chunks, (node, chunks) => { this.#subscribeAt(node, playerId, chunks) }, true)
        return
      }
      case WorldCommand.UnsubscribeChunks: {
        const waiting = this.#unrouted.get(playerId)
        const subscribed = this.#subscriptions.get(playerId)
        for (const chunk of command.chunks) {
          waiting?.delete(`${chunk.x},${chunk.z}` as ChunkKey)
          subscribed?.delete(`${chunk.x},${chunk.z}` as ChunkKey)
        }
        this.#routeChunks(playerId, command.chunks, (node, chunks) => { node.link.send({ type: WorldCommand.UnsubscribeChunks, playerId, chunks }) }, false)
        return
      }
      case WorldCommand.ResendChunk: {
        this.ownerOf(command.x, command.z)?.link.send(command)
        return
      }
      case WorldCommand.AttachPlayer: {
        // Any node can load the player; if they stand elsewhere it hands them over at once.
        const node = this.#firstNode()
        if (node === undefined) return
        this.#playerNode.set(playerId, node.nodeId)
        node.link.send(command)
        return
      }
      case WorldCommand.DetachPlayer: {
        this.#unrouted.delete(playerId)
        this.#subscriptions.delete(playerId)
        const transfer = this.#transfers.get(playerId)
        if (transfer !== undefined) this.#abort(transfer, 'player left')
        this.#linkOf(playerId)?.send(command)
        this.#playerNode.delete(playerId)
        return
      }
      default: {
        const transfer = this.#transfers.get(playerId)
        if (transfer !== undefined) {
          if (transfer.buffer.length >= MAX_BUFFERED) transfer.buffer.shift()
          transfer.buffer.push(command)
          return
        }
        this.#linkOf(playerId)?.send(command)
      }
    }
  }

  /** Closes every link. */
  close (reason: string): void {
    for (const node of this.#nodes.values()) node.link.close(reason)
  }

  #firstNode (): NodeLink | undefined {
    for (const node of this.#nodes.values()) if (!node.link.closed) return node
    return undefined
  }

  #linkOf (playerId: PlayerId): WorldLink | undefined {
    const nodeId = this.#playerNode.get(playerId)
    return nodeId === undefined ? undefined : this.#nodes.get(nodeId)?.link
  }

  #routeChunks (playerId: PlayerId, chunks: ChunkList, send: (node: NodeLink, chunks: ChunkList) => void, remember: boolean): void {
    const byNode = new Map<NodeLink, Array<{ x: number, z: number }>>()
    for (const chunk of chunks) {
      const owner = this.ownerOf(chunk.x, chunk.z)
      if (owner === undefined) {
        if (!remember) continue
        let waiting = this.#unrouted.get(playerId)
        if (waiting === undefined) this.#unrouted.set(playerId, waiting = new Map())
        waiting.set(`${chunk.x},${chunk.z}` as ChunkKey, chunk)
        continue
      }
      let list = byNode.get(owner)
      if (list === undefined) byNode.set(owner, list = [])
      list.push(chunk)
    }
    for (const [node, list] of byNode) send(node, list)
  }

  #receive (node: NodeLink, fact: NodeToGateway): void {
    switch (fact.type) {
      case WorldFact.RegionsOwned: {
        const gained = new Set(fact.regions.filter((region) => !node.regions.has(region)))
        node.all = fact.all
        node.regions = new Set(fact.regions)
        if (gained.size > 0) this.#resubscribe(node, gained)
        this.#retryUnrouted()
        return
      }
      case WorldFact.PlayerAttached:
        this.#playerNode.set(fact.playerId, node.nodeId)
        break
      case WorldFact.TransferRequested:
        this.#startTransfer(node, fact)
        return
      case WorldFact.TransferAccepted: {
        const transfer = this.#transfers.get(fact.playerId)
        if (transfer?.id !== fact.transferId) return
        this.#nodes.get(transfer.source)?.link.send({ type: WorldCommand.CommitTransfer, transferId: transfer.id, playerId: fact.playerId })
        return
      }
      case WorldFact.TransferRejected: {
        const transfer = this.#transfers.get(fact.playerId)
        if (transfer?.id === fact.transferId) this.#abort(transfer, fact.reason)
        return
      }
      case WorldFact.TransferCommitted: {
        const transfer = this.#transfers.get(fact.playerId)
        if (transfer?.id !== fact.transferId || transfer.target === undefined) return
        this.#finish(transfer, transfer.target)
        return
      }
      default:
        break
    }
    this.#onFact(fact)
  }

  #startTransfer (source: NodeLink, fact: Extract<NodeToGateway, { type: typeof WorldFact.TransferRequested }>): void {
    const abortAtSource = (reason: string): void => {
      source.link.send({ type: WorldCommand.AbortTransfer, transferId: fact.transferId, playerId: fact.playerId, reason })
    }
    if (this.#transfers.has(fact.playerId)) return abortAtSource('a transfer is already under way')
    const facts = this.#playerFacts(fact.playerId)
    const target = this.ownerOf(fact.chunk.x, fact.chunk.z)
    if (facts === undefined) return abortAtSource('player not on this gateway')
    if (target === undefined || target === source) return abortAtSource('no other owner for that region')
    const transfer: Transfer = {
      id: fact.transferId,
      playerId: fact.playerId,
      source: source.nodeId,
      target: target.nodeId,
      buffer: [],
      startedAt: performance.now(),
      timer: setTimeout(() => { this.#abort(transfer, 'timed out') }, TRANSFER_TIMEOUT_MS)
    }
    transfer.timer.unref()
    this.#transfers.set(fact.playerId, transfer)
    target.link.send({
      type: WorldCommand.AcceptTransfer,
      transferId: fact.transferId,
      profile: facts.profile,
      snapshot: fact.snapshot,
      entityId: fact.entityId,
      viewDistance: facts.viewDistance
    })
  }

  #finish (transfer: Transfer, targetId: string): void {
    clearTimeout(transfer.timer)
    this.#transfers.delete(transfer.playerId)
    const target = this.#nodes.get(targetId)
    if (target === undefined) return
    target.link.send({ type: WorldCommand.CompleteTransfer, transferId: transfer.id, playerId: transfer.playerId })
    this.#playerNode.set(transfer.playerId, targetId)
    for (const command of transfer.buffer) target.link.send(command)
    this.handoffs.completed++
    this.handoffs.latenciesMs.add(performance.now() - transfer.startedAt)
    this.#log.debug({ player: transfer.playerId, from: transfer.source, to: targetId, buffered: transfer.buffer.length }, 'handoff complete')
  }

  #abort (transfer: Transfer, reason: string): void {
    clearTimeout(transfer.timer)
    if (this.#transfers.get(transfer.playerId) !== transfer) return
    this.#transfers.delete(transfer.playerId)
    const abort = { type: WorldCommand.AbortTransfer, transferId: transfer.id, playerId: transfer.playerId, reason } as const
    if (transfer.target !== undefined) this.#nodes.get(transfer.target)?.link.send(abort)
    const source = this.#nodes.get(transfer.source)
    source?.link.send(abort)
    for (const command of transfer.buffer) source?.link.send(command)
    this.handoffs.aborted++
    this.#log.info({ player: transfer.playerId, reason }, 'handoff aborted; the player stays with its node')
  }

  /** Sends a subscription and remembers which node serves each chunk of it. */
  #subscribeAt (node: NodeLink, playerId: PlayerId, chunks: ChunkList): void {
    const subscribed = this.#subscriptions.get(playerId)
    for (const chunk of chunks) {
      const entry = subscribed?.get(`${chunk.x},${chunk.z}` as ChunkKey)
      if (entry !== undefined) entry.sentTo = node.nodeId
    }
    node.link.send({ type: WorldCommand.SubscribeChunks, playerId, chunks })
  }

  /** A node took over regions: the chunks players watch there are now served by it. */
  #resubscribe (node: NodeLink, regions: ReadonlySet<RegionId>): void {
    for (const [playerId, subscribed] of this.#subscriptions) {
      const waiting = this.#unrouted.get(playerId)
      const chunks = [...subscribed.entries()]
        .filter(([key, chunk]) => chunk.sentTo !== node.nodeId && waiting?.has(key) !== true && regions.has(regionOfChunk(chunk.x, chunk.z, this.regionSize)))
        .map(([, chunk]) => ({ x: chunk.x, z: chunk.z }))
      if (chunks.length > 0) this.#subscribeAt(node, playerId, chunks)
    }
  }

  #retryUnrouted (): void {
    for (const [playerId, waiting] of this.#unrouted) {
      const chunks = [...waiting.values()]
      waiting.clear()
      this.#routeChunks(playerId, chunks, (node, list) => { this.#subscribeAt(node, playerId, list) }, true)
      if (waiting.size === 0) this.#unrouted.delete(playerId)
    }
  }

  #nodeLost (node: NodeLink): void {
    if (this.#nodes.get(node.nodeId) === node) this.#nodes.delete(node.nodeId)
    for (const transfer of [...this.#transfers.values()]) {
      if (transfer.source === node.nodeId || transfer.target === node.nodeId) this.#abort(transfer, 'world-node link lost')
    }
    const lost = [...this.#playerNode].filter(([, nodeId]) => nodeId === node.nodeId).map(([playerId]) => playerId)
    for (const playerId of lost) {
      this.#playerNode.delete(playerId)
      this.#onFact({ type: WorldFact.PlayerKicked, playerId, reason: 'The world-node holding you went away; please rejoin' })
    }
  }
}
