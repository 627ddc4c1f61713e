/**
 * Facts from world-nodes turned into packets for the players who should see them. One entry
 * per fact; packets meant for many players are encoded once (OutboundFrames) and the same bytes
 * are written to each.
 */
import { chunkKey } from '#shared/coords.ts'
import { WorldCommand, WorldFact, type NodeToGateway } from '#shared/world-messages.ts'
import type { GatewayContext } from '../gateway-context.ts'
import { encodeMapChunk } from '../packets/map-chunk.ts'
import { textComponent } from '../packets/text.ts'
import { gameModeId, playerInfoAddPacket, updateTimePacket } from '../packets/play-packets.ts'
import type { PlayerSession } from '../session/player-session.ts'
import { onPlayerAttached } from '../session/enter-play.ts'
import { isAtBase, motionFrames, syncFrame } from './entity-motion.ts'
import type { KnownEntity } from './world-router.ts'
import { moveEntity, showEntity, showListedPlayer } from '../session/entity-view.ts'
import { gatherMove, writeGatheredMoves, writeMoves } from './move-fanout.ts'

type FactOf<T extends NodeToGateway['type']> = Extract<NodeToGateway, { type: T }>
/** `null`: the fact is consumed by the WorldRouter (ownership and handoff) and never reaches here. */
type FactTable = { readonly [T in NodeToGateway['type']]: ((ctx: GatewayContext, fact: FactOf<T>) => void) | null }

/** Least world-age advance between two time updates passed on to players (nodes send one a second). */
const TIME_FORWARD_EVERY_TICKS = 15
/** A time of day further than this from the world age's advance is a clock change, passed on at once. */
const TIME_JUMP_TICKS = 20

/** Writes one shared frame to every session in the list. */
function fanOut (sessions: Iterable<PlayerSession>, frame: () => Buffer): void {
  let bytes: Buffer | undefined
  for (const session of sessions) {
    bytes ??= frame()
    session.client.protocol.writeFrame(bytes)
  }
}

function allSessions (ctx: GatewayContext): Iterable<PlayerSession> {
  return ctx.players.sessions()
}

const handlers: FactTable = {
  [WorldFact.Welcome]: () => {},
  [WorldFact.PlayerAttached]: (ctx, fact) => {
    const session = ctx.players.session(fact.playerId)
    if (session !== undefined) onPlayerAttached(session, fact)
  },
  [WorldFact.AttachRefused]: (ctx, fact) => {
    ctx.players.session(fact.playerId)?.client.disconnect(fact.reason)
  },
  [WorldFact.ChunkData]: (ctx, fact) => {
    // Encoded and cached even if the player has gone: the node will send other players of this
    // gateway ChunkCached for it.
    const { column } = fact
    const key = chunkKey(column.x, column.z)
    const frame = ctx.frames.chunk(key, column.revision, () => ctx.frames.packet(encodeMapChunk(ctx.config.version, ctx.registries, column, ctx.world.shape)))
    ctx.players.session(fact.playerId)?.receiveChunk(key, frame)
  },
  [WorldFact.ChunkCached]: (ctx, fact) => {
    const session = ctx.players.session(fact.playerId)
    if (session === undefined) return
    const key = chunkKey(fact.x, fact.z)
    const frame = ctx.frames.cachedChunk(key, fact.revision)
    if (frame === undefined) ctx.world.send(fact.playerId, { type: WorldCommand.ResendChunk, playerId: fact.playerId, x: fact.x, z: fact.z })
    else session.receiveChunk(key, frame)
  },
  [WorldFact.BlockChanged]: (ctx, fact) => {
    fanOut(ctx.world.chunkIndex.viewers(fact.chunk), () => ctx.frames.play('block_change', { location: { x: fact.x, y: fact.y, z: fact.z }, type: fact.stateId }))
  },
  [WorldFact.BlockChangeAcked]: (ctx, fact) => {
    ctx.players.session(fact.playerId)?.client.write('acknowledge_player_digging', { sequenceId: fact.sequence })
  },
  [WorldFact.EntitySpawned]: (ctx, fact) => {
    const known = ctx.world.entities.get(fact.entityId)
    let entity: KnownEntity
    if (known !== undefined && known.playerId === fact.playerId) {
      // Announced again: to a viewer that just loaded its chunk (the usual case, and then it
      // stands where viewers already show it), or by another node after a handoff or a walk into
      // its chunks. Only a different pose needs the viewers already showing it synced to it.
      entity = known
      moveEntity(ctx, entity, fact.chunk)
      const pose = { x: fact.x, y: fact.y, z: fact.z, yaw: fact.yaw, pitch: fact.pitch, onGround: entity.onGround }
      if (!isAtBase(entity, pose)) {
        const sync = syncFrame(ctx.frames, entity, pose)
        for (const viewer of ctx.world.entityViewers.of(fact.entityId)) viewer.client.protocol.writeFrame(sync)
      }
    } else {
      entity = { entityId: fact.entityId, playerId: fact.playerId, name: fact.name, x: fact.x, y: fact.y, z: fact.z, yaw: fact.yaw, pitch: fact.pitch, onGround: true, movesSinceSync: 0, chunk: fact.chunk }
      ctx.world.entities.add(entity)
    }
    const viewers = ctx.world.chunkIndex.viewers(fact.chunk)
    // A known entity re-announced for the one player who just got the chunk is checked against
    // that viewer only: asking every viewer of the chunk was N checks for each of the N players
    // re-announced to every joining player, N² per join.
    const forOne = known !== undefined && fact.forViewer !== undefined
    const one = forOne ? ctx.players.session(fact.forViewer) : undefined
    const candidates = !forOne ? viewers : one !== undefined && viewers.has(one) ? [one] : []
    for (const viewer of candidates) {
      if (viewer.entityId === fact.entityId || viewer.visibleEntities.has(fact.entityId)) continue
      showEntity(ctx, viewer, entity)
    }
  },
  // Moves within one chunk are gathered and fanned out per chunk (move-fanout.ts); this is a
  // move across a chunk border.
  [WorldFact.EntityMoved]: (ctx, fact) => {
    const entity = ctx.world.entities.get(fact.entityId)
    if (entity === undefined) return
    // The base moves whether or not anyone views the entity; viewers spawned below get the new one.
    const motion = motionFrames(ctx.frames, entity, fact)
    moveEntity(ctx, entity, fact.chunk)
    // The index holds exactly the sessions that have a chunk loaded: the viewers of the new chunk
    // see the entity (moved, or spawned if new to them); those with only the old chunk lose it.
    writeMoves(ctx, fact.chunk, [{ entity, frames: motion }])
    const { chunkIndex } = ctx.world
    const seeing = chunkIndex.viewers(fact.chunk)
    const hidden: PlayerSession[] = []
    for (const viewer of chunkIndex.viewers(fact.fromChunk)) {
      if (!seeing.has(viewer) && viewer.visibleEntities.delete(fact.entityId)) hidden.push(viewer)
    }
    fanOut(hidden, () => ctx.frames.play('entity_destroy', { entityIds: [fact.entityId] }))
  },
  [WorldFact.EntityAnimated]: (ctx, fact) => {
    const viewers = [...ctx.world.chunkIndex.viewers(fact.chunk)].filter((v) => v.visibleEntities.has(fact.entityId))
    fanOut(viewers, () => ctx.frames.play('animation', { entityId: fact.entityId, animation: fact.animation === 'swing_main' ? 0 : 3 }))
  },
  [WorldFact.EntityRemoved]: (ctx, fact) => {
    ctx.world.entities.delete(fact.entityId)
    const viewers = [...ctx.world.entityViewers.of(fact.entityId)]
    for (const viewer of viewers) viewer.visibleEntities.delete(fact.entityId)
    fanOut(viewers, () => ctx.frames.play('entity_destroy', { entityIds: [fact.entityId] }))
  },
  [WorldFact.PlayerPositionSet]: (ctx, fact) => {
    ctx.players.session(fact.playerId)?.teleport(fact.x, fact.y, fact.z, fact.yaw, fact.pitch)
  },
  [WorldFact.InventoryUpdated]: (ctx, fact) => {
    ctx.players.session(fact.playerId)?.updateSlots(fact.slots, fact.selectedSlot)
  },
  [WorldFact.GameModeChanged]: (ctx, fact) => {
    const session = ctx.players.session(fact.playerId)
    if (session === undefined) return
    session.gameMode = fact.gameMode
    session.client.write('game_state_change', { reason: 'change_game_mode', gameMode: gameModeId(fact.gameMode) })
    session.sendAbilities()
  },
  [WorldFact.ChatBroadcast]: (ctx, fact) => {
    ctx.log.info({ player: fact.senderName, chat: fact.text }, 'chat')
    fanOut(allSessions(ctx), () => ctx.frames.play('profileless_chat', {
      message: textComponent(fact.text),
      type: { chatType: ctx.registries.chatType },
      name: textComponent(fact.senderName),
      target: undefined
    }))
  },
  [WorldFact.SystemMessage]: (ctx, fact) => {
    const packet = { content: textComponent(fact.text), isActionBar: false }
    if (fact.playerId === null) {
      fanOut(allSessions(ctx), () => ctx.frames.play('system_chat', packet))
      return
    }
    ctx.players.session(fact.playerId)?.client.write('system_chat', packet)
  },
  [WorldFact.PlayerListUpserted]: (ctx, fact) => {
    const added = fact.entries.filter((entry) => !ctx.world.playerList.has(entry.playerId))
    for (const entry of fact.entries) ctx.world.playerList.set(entry.playerId, entry)
    fanOut(allSessions(ctx), () => ctx.frames.play('player_info', playerInfoAddPacket(fact.entries)))
    if (added.length === 0) return
    const ids = new Set(added.map((entry) => entry.playerId))
    for (const entity of ctx.world.entities.values()) if (ids.has(entity.playerId)) showListedPlayer(ctx, entity)
  },
  [WorldFact.PlayerListRemoved]: (ctx, fact) => {
    for (const id of fact.playerIds) ctx.world.playerList.delete(id)
    fanOut(allSessions(ctx), () => ctx.frames.play('player_remove', { players: fact.playerIds }))
  },
  [WorldFact.TimeUpdated]: (ctx, fact) => {
    // Every world-node reports the time once a second: with several nodes the players get one
    // update a second, not one per node. A jump of the clock (not its steady advance) always passes.
    const last = ctx.world.time
    const elapsed = fact.worldAge - last.worldAge
    const jumped = elapsed < -TIME_JUMP_TICKS || Math.abs(fact.timeOfDay - last.timeOfDay - elapsed) > TIME_JUMP_TICKS
    if (!jumped && elapsed < TIME_FORWARD_EVERY_TICKS) return
    ctx.world.time = { worldAge: fact.worldAge, timeOfDay: fact.timeOfDay }
    fanOut(allSessions(ctx), () => ctx.frames.play('update_time', updateTimePacket(ctx.registries, fact.worldAge, fact.timeOfDay)))
  },
  [WorldFact.PlayerKicked]: (ctx, fact) => {
    ctx.players.session(fact.playerId)?.client.disconnect(fact.reason)
  },
  [WorldFact.RegionsOwned]: null,
  [WorldFact.TransferRequested]: null,
  [WorldFact.TransferAccepted]: null,
  [WorldFact.TransferRejected]: null,
  [WorldFact.TransferCommitted]: null
}

/** Applies one fact from a world-node. */
export function handleFact (ctx: GatewayContext, fact: NodeToGateway): void {
  if (fact.type === WorldFact.EntityMoved && fact.chunk === fact.fromChunk) {
    gatherMove(ctx, fact)
    return
  }
  // Everything else sees the world after the moves that came before it.
  writeGatheredMoves(ctx)
  const handler = handlers[fact.type] as ((ctx: GatewayContext, fact: NodeToGateway) => void) | null
  handler?.(ctx, fact)
}
