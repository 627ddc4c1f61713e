/**
 * Use Item On: place the held block against the clicked face.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Use_Item_On
 */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { inLimbo } from '../limbo/limbo.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Forwards a place to the world-node. */
export const blockPlace: PacketHandler = (client, packet) => {
  const place = adapt.block_place(packet.params)
  const session = sessionOf(client)
  if (session === undefined || inLimbo(client)) return
  session.send({ type: WorldCommand.PlaceBlock, playerId: session.playerId, x: place.x, y: place.y, z: place.z, face: place.direction, hand: place.hand, sequence: place.sequence })
}
