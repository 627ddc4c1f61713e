/**
 * Set Player Position / Position and Rotation / Rotation / Movement Status: forward the move to
 * the world-node (which checks it) and move the view when the player enters another chunk.
 * In the limbo nothing is forwarded and a move away is undone.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Set_Player_Position
 */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { holdInLimbo } from '../limbo/limbo.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Handles all four movement packets. */
export const playerPosition: PacketHandler = (client, packet) => {
  const move = adapt.move(packet.name, packet.params)
  const session = sessionOf(client)
  if (session === undefined || session.awaitingTeleport || holdInLimbo(session, move)) return
  if (move.x !== undefined && move.y !== undefined && move.z !== undefined) {
    session.x = move.x
    session.y = move.y
    session.z = move.z
  }
  if (move.yaw !== undefined && move.pitch !== undefined) {
    session.yaw = move.yaw
    session.pitch = move.pitch
  }
  session.send({ type: WorldCommand.MovePlayer, playerId: session.playerId, x: move.x, y: move.y, z: move.z, yaw: move.yaw, pitch: move.pitch, onGround: move.onGround })
  if (Math.floor(session.x / 16) !== session.centre.x || Math.floor(session.z / 16) !== session.centre.z) session.updateView()
}
