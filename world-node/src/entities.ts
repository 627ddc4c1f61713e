/**
 * Player entities as viewers see them: spawned and removed in their chunk, moves once per tick,
 * arm swings. Everything here is chunk-scoped (design decision 4).
 */
import type { ChunkKey } from '#shared/ids.ts'
import { WorldFact, type EntityMoved, type EntitySpawned, type SwingArm } from '#shared/world-messages.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { chunkOfPlayer, type OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** The EntitySpawned fact for a player as viewers see them now. */
export function entitySpawnedOf (player: OnlinePlayer): EntitySpawned {
  const { shown } = player
  return {
    type: WorldFact.EntitySpawned,
    chunk: shown.chunk,
    entityId: player.entityId,
    playerId: player.id,
    name: player.profile.name,
    x: shown.x,
    y: shown.y,
    z: shown.z,
    yaw: shown.yaw,
    pitch: shown.pitch
  }
}

/** The EntityMoved fact for a player now standing in `chunk`, coming from `fromChunk`. */
export function entityMovedOf (player: OnlinePlayer, chunk: ChunkKey, fromChunk: ChunkKey): EntityMoved {
  return {
    type: WorldFact.EntityMoved,
    chunk,
    fromChunk,
    entityId: player.entityId,
    x: player.x,
    y: player.y,
    z: player.z,
    yaw: player.yaw,
    pitch: player.pitch,
    onGround: player.onGround
  }
}

/** Shows a player to the subscribers of the chunk they stand in. */
export function announceEntity (world: World, player: OnlinePlayer): void {
  world.links.sendToEach(world.subscriptions.linksFor(player.shown.chunk), entitySpawnedOf(player))
}

/** Removes a player from the view of the subscribers of their chunk. */
export function withdrawEntity (world: World, player: OnlinePlayer): void {
  const chunk = player.shown.chunk
  world.links.sendToEach(world.subscriptions.linksFor(chunk), { type: WorldFact.EntityRemoved, chunk, entityId: player.entityId })
}

/** Shows a link the players standing in a chunk it just received (except the viewer itself). */
export function showEntitiesInChunk (world: World, connection: GatewayConnection, chunk: ChunkKey, viewer: OnlinePlayer['id']): void {
  for (const player of world.players.shownIn(chunk)) {
    if (player.id !== viewer) world.links.send(connection, { ...entitySpawnedOf(player), forViewer: viewer })
  }
}

/**
 * Ticks between two broadcasts of a player's movement. Vanilla tracks player entities with an
 * update interval of 2 ticks (EntityType.PLAYER `updateInterval(2)`): clients interpolate in
 * between, so viewers see the same smooth walk with half the packets of a per-tick broadcast.
 */
export const MOVE_BROADCAST_INTERVAL_TICKS = 2

/**
 * End of tick: on every MOVE_BROADCAST_INTERVAL_TICKS-th tick, one EntityMoved per player that
 * moved since the last broadcast, to subscribers of the chunk it is in or came from. Links that
 * watch only the new chunk never saw the entity, so they get an EntitySpawned first (it
 * "walked in").
 */
export function broadcastMoves (world: World, tick: number): void {
  const broadcast = tick % MOVE_BROADCAST_INTERVAL_TICKS === 0
  for (const player of world.players.all()) {
    player.correctedThisTick = false
    if (!broadcast || !player.moved) continue
    player.moved = false
    const fromChunk = player.shown.chunk
    const chunk = chunkOfPlayer(player)
    world.players.show(player, { x: player.x, y: player.y, z: player.z, yaw: player.yaw, pitch: player.pitch, chunk })
    const { subscriptions, links } = world
    if (chunk !== fromChunk) {
      const before = new Set(subscriptions.linksFor(fromChunk))
      for (const link of subscriptions.linksFor(chunk)) if (!before.has(link)) links.send(link, entitySpawnedOf(player))
    }
    links.sendToEach(subscriptions.linksForEither(chunk, fromChunk), entityMovedOf(player, chunk, fromChunk))
  }
}

/** SwingArm: viewers of the player's chunk see the animation. */
export function swingArm (world: World, player: OnlinePlayer, command: SwingArm): void {
  const chunk = player.shown.chunk
  world.links.sendToEach(world.subscriptions.linksFor(chunk), {
    type: WorldFact.EntityAnimated,
    chunk,
    entityId: player.entityId,
    animation: command.hand === 'off' ? 'swing_off' : 'swing_main'
  })
}
