/**
 * Player Action: start, cancel or finish digging. Other statuses (drop item, swap hands,
 * release use) are not supported yet and are ignored.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Player_Action
 */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { inLimbo } from '../limbo/limbo.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

const STATUSES = ['start', 'cancel', 'finish'] as const

/** Forwards a dig to the world-node. */
export const blockDig: PacketHandler = (client, packet) => {
  const dig = adapt.block_dig(packet.params)
  const session = sessionOf(client)
  const status = STATUSES[dig.status]
  if (session === undefined || status === undefined || inLimbo(client)) return
  session.send({ type: WorldCommand.DigBlock, playerId: session.playerId, status, x: dig.x, y: dig.y, z: dig.z, face: dig.face, sequence: dig.sequence })
}
