/**
 * A player in the play state, as the gateway sees them: the chunks their client has loaded,
 * the entities it shows, pending teleports, the inventory mirror and keep-alive timing. The
 * gateway holds no authoritative world state: every change goes to the world-node as an intent.
 */
import { chunkKey, chunkOf, parseChunkKey, type ChunkPos } from '#shared/coords.ts'
import { TesseraError } from '#shared/errors.ts'
import type { ChunkKey, PlayerId } from '#shared/ids.ts'
import { WorldCommand, type GameMode, type GatewayToNode, type ItemStack, type PlayerSnapshot } from '#shared/world-messages.ts'
import type { ClientConnection } from '../connection/client-connection.ts'
import { gatewayMetrics } from '../metrics.ts'
import { playerPositionPacket } from '../packets/play-packets.ts'
import { showEntity } from './entity-view.ts'
import { ShownEntities } from './shown-entities.ts'
import { viewChange } from './view-square.ts'

/** Keep-alive interval and the silence after which the client is dropped (vanilla: 15 s / 30 s). */
const KEEPALIVE_INTERVAL_MS = 10_000
const KEEPALIVE_TIMEOUT_MS = 30_000

/** One player's view of the world through this gateway. */
export class PlayerSession {
  readonly client: ClientConnection
  readonly playerId: PlayerId
  readonly name: string
  entityId = -1
  attached = false
  /** AttachPlayer sent, PlayerAttached not yet received. */
  attaching = false
  gameMode: GameMode = 'survival'
  x = 0
  y = 0
  z = 0
  yaw = 0
  pitch = 0
  /** Chunk the view is centred on. */
  centre = { x: 0, z: 0 }
  /** Chunks subscribed at the world (requested or loaded). */
  readonly subscribed = new Set<ChunkKey>()
  /** Centre of the square `subscribed` holds; undefined while it is empty. */
  #viewCentre: ChunkPos | undefined
  /** Chunks the client has received and not unloaded. */
  readonly loaded = new Set<ChunkKey>()
  /** Entities the client currently shows. */
  readonly visibleEntities: ShownEntities<PlayerSession>
  inventory: Array<ItemStack | null> = []
  selectedSlot = 0
  #inventoryStateId = 0
  #nextTeleportId = 1
  /** Moves are ignored until the client confirms the last teleport, as vanilla does. */
  #awaitingTeleport: number | undefined
  #pendingChunks: Buffer[] = []
  /** Chunks in the pending batch: entities standing in them are shown right after it. */
  #pendingEntityChunks: ChunkKey[] = []
  #flushScheduled = false
  #keepAliveTimer: NodeJS.Timeout | undefined
  #keepAliveSentAt = 0
  #keepAliveId = 0n
  #lastKeepAliveAnswer = Date.now()
  latencyMs = 0

  constructor (client: ClientConnection, playerId: PlayerId, name: string) {
    this.client = client
    this.playerId = playerId
    this.name = name
    this.visibleEntities = new ShownEntities(client.ctx.world.entityViewers, this)
  }

  /** Sends an intent to the world-node that owns this player. */
  send (command: GatewayToNode): void {
    this.client.ctx.world.send(this.playerId, command)
  }

  /** Adopts the world's snapshot (on attach). */
  adopt (snapshot: PlayerSnapshot): void {
    this.x = snapshot.x
    this.y = snapshot.y
    this.z = snapshot.z
    this.yaw = snapshot.yaw
    this.pitch = snapshot.pitch
    this.gameMode = snapshot.gameMode
    this.inventory = [...snapshot.inventory]
    this.selectedSlot = snapshot.selectedSlot
  }

  /** Teleports the client; moves are ignored until it confirms. */
  teleport (x: number, y: number, z: number, yaw: number, pitch: number): void {
    this.x = x
    this.y = y
    this.z = z
    this.yaw = yaw
    this.pitch = pitch
    const id = this.#nextTeleportId++
    this.#awaitingTeleport = id
    this.client.write('position', playerPositionPacket(id, x, y, z, yaw, pitch))
    this.updateView()
  }

  /** True while a teleport is unconfirmed. */
  get awaitingTeleport (): boolean {
    return this.#awaitingTeleport !== undefined
  }

  /** Handles Confirm Teleportation. */
  confirmTeleport (id: number): void {
    if (id === this.#awaitingTeleport) this.#awaitingTeleport = undefined
  }

  /**
   * Moves the view to the chunk the player stands in: subscribes the chunks that entered it and
   * unloads the ones that left. `subscribed` is always the square around #viewCentre.
   */
  updateView (): void {
    const centre = chunkOf(this.x, this.z)
    const from = this.#viewCentre
    if (from !== undefined && from.x === centre.x && from.z === centre.z) return
    const { enter, leave } = viewChange(from, centre, this.client.ctx.world.shape.viewDistance)
    this.#viewCentre = centre
    if (centre.x !== this.centre.x || centre.z !== this.centre.z) {
      this.centre = centre
      this.client.write('update_view_position', { chunkX: centre.x, chunkZ: centre.z })
    }
    const left = new Set<ChunkKey>()
    for (const pos of leave) {
      const key = chunkKey(pos.x, pos.z)
      left.add(key)
      this.subscribed.delete(key)
      this.client.ctx.world.chunkIndex.remove(key, this)
      if (this.loaded.delete(key)) this.client.write('unload_chunk', { chunkX: pos.x, chunkZ: pos.z })
    }
    if (left.size > 0) this.#hideEntitiesIn(left)
    for (const pos of enter) this.subscribed.add(chunkKey(pos.x, pos.z))
    if (leave.length > 0) this.send({ type: WorldCommand.UnsubscribeChunks, playerId: this.playerId, chunks: leave })
    if (enter.length > 0) this.send({ type: WorldCommand.SubscribeChunks, playerId: this.playerId, chunks: enter })
  }

  /** A chunk arrived for this player (its packet from the shared encode-once cache): send it in the next batch. */
  receiveChunk (key: ChunkKey, framed: Buffer): void {
    if (!this.subscribed.has(key)) return
    const { ctx } = this.client
    this.loaded.add(key)
    ctx.world.chunkIndex.add(key, this)
    this.#pendingChunks.push(framed)
    this.#pendingEntityChunks.push(key)
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    // After the current batch of world messages (one microtask), so every chunk in it joins one
    // chunk batch, and before the end-of-turn socket flush, so the batch shares its write.
    queueMicrotask(() => { this.#flushChunks() })
  }

  #flushChunks (): void {
    this.#flushScheduled = false
    const chunks = this.#pendingChunks
    this.#pendingChunks = []
    if (chunks.length === 0 || this.client.closed) return
    this.client.write('chunk_batch_start', {})
    for (const framed of chunks) this.client.protocol.writeFrame(framed)
    this.client.write('chunk_batch_finished', { batchSize: chunks.length })
    const keys = new Set(this.#pendingEntityChunks)
    this.#pendingEntityChunks = []
    const { ctx } = this.client
    for (const key of keys) {
      for (const entity of [...ctx.world.entities.inChunk(key)]) {
        if (entity.entityId === this.entityId || this.visibleEntities.has(entity.entityId)) continue
        showEntity(ctx, this, entity)
      }
    }
  }

  /** Despawns, for this client, every entity standing in the chunks it no longer has. */
  #hideEntitiesIn (chunks: ReadonlySet<ChunkKey>): void {
    const gone: number[] = []
    for (const [id, chunk] of this.visibleEntities.entries()) if (chunks.has(chunk)) gone.push(id)
    if (gone.length === 0) return
    for (const id of gone) this.visibleEntities.delete(id)
    this.client.write('entity_destroy', { entityIds: gone })
  }

  /** Player Abilities for the current game mode (creative may fly and breaks instantly). */
  sendAbilities (): void {
    const creative = this.gameMode === 'creative'
    const spectator = this.gameMode === 'spectator'
    // flags: 0x01 invulnerable, 0x02 flying, 0x04 may fly, 0x08 instant break
    const flags = (creative || spectator ? 0x01 | 0x04 : 0) | (spectator ? 0x02 : 0) | (creative ? 0x08 : 0)
    this.client.write('abilities', { flags, flyingSpeed: 0.05, walkingSpeed: 0.1 })
  }

  /** Sends the whole inventory window. */
  sendInventory (): void {
    const reg = this.client.ctx.registries
    const items = Array.from({ length: 46 }, (_, i) => reg.slot(this.inventory[i] ?? null))
    this.client.write('window_items', { windowId: 0, stateId: ++this.#inventoryStateId, items, carriedItem: reg.slot(null) })
  }

  /** Applies changed slots and tells the client. */
  updateSlots (slots: ReadonlyArray<{ slot: number, item: ItemStack | null }>, selectedSlot: number): void {
    const reg = this.client.ctx.registries
    for (const { slot, item } of slots) {
      this.inventory[slot] = item
      this.client.write('set_slot', { windowId: 0, stateId: ++this.#inventoryStateId, slot, item: reg.slot(item) })
    }
    if (selectedSlot !== this.selectedSlot) {
      this.selectedSlot = selectedSlot
      this.client.write('held_item_slot', { slot: selectedSlot })
    }
  }

  /** Starts keep-alives; a client silent for 30 s is dropped. */
  startKeepAlive (): void {
    gatewayMetrics(this.client.ctx).track(this.client.protocol)
    this.#keepAliveTimer = setInterval(() => {
      if (Date.now() - this.#lastKeepAliveAnswer > KEEPALIVE_TIMEOUT_MS) {
        this.client.fail(new TesseraError('GW_KEEPALIVE_TIMEOUT'))
        return
      }
      this.#keepAliveId = BigInt(Date.now())
      this.#keepAliveSentAt = performance.now()
      this.client.write('keep_alive', { keepAliveId: this.#keepAliveId })
    }, KEEPALIVE_INTERVAL_MS)
    this.#keepAliveTimer.unref()
  }

  /** Keep Alive answered: returns the round trip in ms, or undefined for a stale id. */
  answerKeepAlive (id: bigint): number | undefined {
    if (id !== this.#keepAliveId) return undefined
    this.#lastKeepAliveAnswer = Date.now()
    const rtt = performance.now() - this.#keepAliveSentAt
    gatewayMetrics(this.client.ctx).observeKeepAliveRtt(rtt)
    this.latencyMs = Math.round(rtt)
    return this.latencyMs
  }

  /** Stops timers, leaves every chunk index and drops the subscriptions at their owners. */
  dispose (): void {
    clearInterval(this.#keepAliveTimer)
    if (this.subscribed.size > 0) this.send({ type: WorldCommand.UnsubscribeChunks, playerId: this.playerId, chunks: [...this.subscribed].map(parseChunkKey) })
    for (const key of this.subscribed) this.client.ctx.world.chunkIndex.remove(key, this)
    this.subscribed.clear()
    this.#viewCentre = undefined
    this.loaded.clear()
    this.visibleEntities.clear()
  }
}
