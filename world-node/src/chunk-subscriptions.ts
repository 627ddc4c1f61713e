/**
 * SubscribeChunks / UnsubscribeChunks: a gateway's players declare the chunks they view; each
 * new subscription queues the chunk, which is delivered (with the players standing in it) once
 * built. Deliveries wait for the tick's durable batch, so no viewer sees an unsaved block.
 * A column goes to a gateway once per revision, not once per player: later players of that
 * gateway get ChunkCached, and a gateway that dropped its copy asks again with ResendChunk.
 */
import { chunkKey, regionOfChunk } from '#shared/coords.ts'
import type { ChunkKey, RegionId } from '#shared/ids.ts'
import { WorldFact, type ChunkColumnData, type ResendChunk, type SubscribeChunks, type UnsubscribeChunks } from '#shared/world-messages.ts'
import type { ChunkRequest } from './chunk-service.ts'
import { showEntitiesInChunk } from './entities.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { REGION_RETRY_MS } from './regions.ts'
import type { World } from './world.ts'

/** Most chunks one message may name: a full view of distance 32. */
export const MAX_CHUNKS_PER_MESSAGE = 65 * 65
const MAX_CHUNK_COORDINATE = 1_875_000

function isChunkCoordinate (n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) <= MAX_CHUNK_COORDINATE
}

/** SubscribeChunks: queue each newly viewed chunk, in the order given (nearest first). */
export function subscribeChunks (world: World, connection: GatewayConnection, command: SubscribeChunks): void {
  if (command.chunks.length > MAX_CHUNKS_PER_MESSAGE) {
    world.log.warn({ count: command.chunks.length, gateway: connection.gatewayId }, 'too many chunks in one subscription, ignored')
    return
  }
  // Chunks of regions this node does not own get no answer, unless placement names this node:
  // then the region is acquired and they are served once it is.
  const waiting = new Map<RegionId, Array<{ x: number, z: number }>>()
  for (const { x, z } of command.chunks) {
    if (!isChunkCoordinate(x) || !isChunkCoordinate(z)) continue
    const region = regionOfChunk(x, z, world.config.regionSize)
    const availability = world.regions.want(region)
    if (availability === 'elsewhere') continue
    if (availability === 'pending') {
      let chunks = waiting.get(region)
      if (chunks === undefined) waiting.set(region, chunks = [])
      chunks.push({ x, z })
      continue
    }
    if (world.subscriptions.add(connection, command.playerId, chunkKey(x, z))) world.chunks.request(connection, command.playerId, x, z)
  }
  for (const [region, chunks] of waiting) {
    const pending = pendingOf(world, connection)
    for (const { x, z } of chunks) pending.add(`${command.playerId}|${chunkKey(x, z)}`)
    world.regions.whenOwned(region, (owned) => {
      // Only the chunks not unsubscribed meanwhile.
      const still = chunks.filter(({ x, z }) => pending.delete(`${command.playerId}|${chunkKey(x, z)}`))
      if (still.length === 0 || connection.link.closed) return
      const retry = { ...command, chunks: still }
      if (owned) {
        subscribeChunks(world, connection, retry)
        return
      }
      // No grant: another node still holds the lease (it is handing the region over, or it
      // died and the lease has yet to expire). Ask again while placement names this node; the
      // player still views these chunks and gets no other chance to receive them.
      if (world.regions.want(region) === 'elsewhere') return
      for (const { x, z } of still) pending.add(`${command.playerId}|${chunkKey(x, z)}`)
      setTimeout(() => {
        world.enqueue(() => {
          const wanted = still.filter(({ x, z }) => pending.delete(`${command.playerId}|${chunkKey(x, z)}`))
          if (wanted.length > 0 && !connection.link.closed) subscribeChunks(world, connection, { ...command, chunks: wanted })
        })
      }, REGION_RETRY_MS).unref()
    })
  }
}

/** Subscriptions waiting for their region to be acquired, per link: `player|chunk`. */
const pendingByWorld = new WeakMap<World, WeakMap<GatewayConnection, Set<string>>>()

function pendingOf (world: World, connection: GatewayConnection): Set<string> {
  let byLink = pendingByWorld.get(world)
  if (byLink === undefined) pendingByWorld.set(world, byLink = new WeakMap())
  let pending = byLink.get(connection)
  if (pending === undefined) byLink.set(connection, pending = new Set())
  return pending
}

/** UnsubscribeChunks: forget the subscriptions; unwatched chunks are unloaded later. */
export function unsubscribeChunks (world: World, connection: GatewayConnection, command: UnsubscribeChunks): void {
  const pending = pendingOf(world, connection)
  for (const { x, z } of command.chunks) {
    if (!isChunkCoordinate(x) || !isChunkCoordinate(z)) continue
    world.subscriptions.remove(connection, command.playerId, chunkKey(x, z))
    pending.delete(`${command.playerId}|${chunkKey(x, z)}`)
  }
}

/** ResendChunk: the gateway lost its copy of a column it was told to reuse; send it in full. */
export function resendChunk (world: World, connection: GatewayConnection, command: ResendChunk): void {
  if (!isChunkCoordinate(command.x) || !isChunkCoordinate(command.z)) return
  const key = chunkKey(command.x, command.z)
  if (!world.subscriptions.has(connection, command.playerId, key)) return
  sentOf(connection).delete(key)
  world.chunks.request(connection, command.playerId, command.x, command.z)
}

/**
 * Columns each link was sent in full, by revision, least recently used first; bounded like the
 * gateway's own packet cache. Forgetting one only costs sending it again.
 */
const MAX_SENT_COLUMNS_PER_LINK = 4096
const sentByLink = new WeakMap<GatewayConnection, Map<ChunkKey, number>>()

function sentOf (connection: GatewayConnection): Map<ChunkKey, number> {
  let sent = sentByLink.get(connection)
  if (sent === undefined) sentByLink.set(connection, sent = new Map())
  return sent
}

/** True while the requester still views the chunk. */
export function isStillWanted (world: World, request: ChunkRequest): boolean {
  return !request.connection.link.closed && world.subscriptions.has(request.connection, request.playerId, request.key)
}

/** Delivers a built chunk, then the players standing in it, to one subscriber. */
export function serveChunk (world: World, request: ChunkRequest, column: ChunkColumnData): void {
  world.outbox.afterDurable(() => {
    if (!isStillWanted(world, request)) return
    const sent = sentOf(request.connection)
    const known = sent.get(request.key) === column.revision
    sent.delete(request.key)
    sent.set(request.key, column.revision)
    if (known) {
      world.links.send(request.connection, { type: WorldFact.ChunkCached, playerId: request.playerId, x: column.x, z: column.z, revision: column.revision })
    } else {
      if (sent.size > MAX_SENT_COLUMNS_PER_LINK) sent.delete(sent.keys().next().value as ChunkKey)
      world.links.send(request.connection, { type: WorldFact.ChunkData, playerId: request.playerId, column })
    }
    showEntitiesInChunk(world, request.connection, request.key, request.playerId)
  })
}
