/**
 * Entering play: attach the player at the world-node, then, once the world answers with their
 * saved state, send what a vanilla server sends on join — Login, abilities, health, the tab
 * list, time, inventory, the spawn teleport — and start streaming chunks.
 * https://minecraft.wiki/w/Java_Edition_protocol/FAQ#What's_the_normal_login_sequence_for_a_client?
 */
import { WorldCommand, type PlayerAttached } from '#shared/world-messages.ts'
import { TesseraError } from '#shared/errors.ts'
import type { ClientConnection } from '../connection/client-connection.ts'
import { enterLimbo } from '../limbo/limbo.ts'
import { loginPacket, playerInfoAddPacket, spawnPositionPacket, updateTimePacket } from '../packets/play-packets.ts'
import { PlayerSession } from './player-session.ts'

/** Creates the play session and asks the world to attach the player. */
export function enterPlay (client: ClientConnection): void {
  const identity = client.identity
  if (identity === undefined) throw new TesseraError('GW_UNEXPECTED_PACKET', 'not logged in')
  if (!client.ctx.world.available) throw new TesseraError('GW_WORLD_UNAVAILABLE')
  const session = new PlayerSession(client, identity.playerId, identity.username)
  client.session = session
  client.onClose(() => {
    session.dispose()
    client.ctx.players.remove(session)
    if (session.attached || session.attaching) {
      session.send({ type: WorldCommand.DetachPlayer, playerId: session.playerId, reason: 'disconnected' })
    }
  })
  client.ctx.players.add(session)
  session.attaching = true
  session.send({
    type: WorldCommand.AttachPlayer,
    profile: { id: identity.playerId, name: identity.username, properties: identity.properties, op: client.op },
    viewDistance: client.ctx.world.shape.viewDistance
  })
}

/** The world took the player: send the join sequence and start the view. */
export function onPlayerAttached (session: PlayerSession, fact: PlayerAttached): void {
  const { client } = session
  const { ctx } = client
  client.setDeadline(0)
  session.attaching = false
  session.attached = true
  session.entityId = fact.entityId
  session.adopt(fact.snapshot)
  const shape = ctx.world.shape
  client.write('login', loginPacket(ctx.registries, fact.entityId, session.gameMode, ctx.config.maxPlayers, shape))
  session.sendAbilities()
  client.write('held_item_slot', { slot: session.selectedSlot })
  client.write('spawn_position', spawnPositionPacket(ctx.registries, session.x, session.y, session.z))
  const entries = [...ctx.world.playerList.values()]
  if (entries.length > 0) client.write('player_info', playerInfoAddPacket(entries))
  client.write('update_time', updateTimePacket(ctx.registries, fact.worldAge, fact.timeOfDay))
  client.write('game_state_change', { reason: 'level_chunks_load_start', gameMode: 0 })
  session.sendInventory()
  client.write('update_view_position', { chunkX: Math.floor(session.x / 16), chunkZ: Math.floor(session.z / 16) })
  session.centre = { x: Math.floor(session.x / 16), z: Math.floor(session.z / 16) }
  session.teleport(session.x, session.y, session.z, session.yaw, session.pitch)
  // Health last: bots treat the first Set Health as "spawned", so the position must precede it.
  client.write('update_health', { health: 20, food: 20, foodSaturation: 5 })
  session.startKeepAlive()
  client.log.info({ entityId: fact.entityId, x: session.x, y: session.y, z: session.z }, 'joined the world')
  // Offline accounts: wait at this spot for /register or /login.
  enterLimbo(session)
}
