/** Showing an entity to one viewer: a player entity spawned with its head turned. */
import type { ChunkKey } from '#shared/ids.ts'
import type { GatewayContext } from '../gateway-context.ts'
import { angleByte } from '../packets/angles.ts'
import { spawnPlayerPacket } from '../packets/play-packets.ts'
import { writeGatheredMoves } from '../world/move-fanout.ts'
import type { KnownEntity } from '../world/world-router.ts'
import type { PlayerSession } from './player-session.ts'

/**
 * Spawns an entity for one viewer and remembers that the viewer shows it. A player entity is
 * shown only once its tab-list entry exists: clients link the entity to the profile by UUID
 * when it spawns, so the entry must come first (PlayerListUpserted shows it later otherwise).
 */
export function showEntity (ctx: GatewayContext, viewer: PlayerSession, entity: KnownEntity): void {
  if (!ctx.world.playerList.has(entity.playerId)) return
  // The spawn carries the newest position: gathered moves must not be applied on top of it.
  writeGatheredMoves(ctx)
  viewer.visibleEntities.add(entity)
  viewer.client.write('spawn_entity', spawnPlayerPacket(ctx.registries, entity.entityId, entity.playerId, entity.x, entity.y, entity.z, entity.yaw, entity.pitch))
  viewer.client.write('entity_head_rotation', { entityId: entity.entityId, headYaw: angleByte(entity.yaw) })
}

/** A player joined the tab list: show their entity to everyone who has its chunk loaded. */
export function showListedPlayer (ctx: GatewayContext, entity: KnownEntity): void {
  for (const viewer of ctx.world.chunkIndex.viewers(entity.chunk)) {
    if (viewer.entityId === entity.entityId || viewer.visibleEntities.has(entity.entityId)) continue
    showEntity(ctx, viewer, entity)
  }
}

/** An entity stands in another chunk: the registry's index and the counts of its viewers follow. */
export function moveEntity (ctx: GatewayContext, entity: KnownEntity, chunk: ChunkKey): void {
  if (!ctx.world.entities.moveTo(entity, chunk)) return
  for (const viewer of ctx.world.entityViewers.of(entity.entityId)) viewer.visibleEntities.moved(entity.entityId, chunk)
}
