/** Set Held Item: the selected hotbar slot. */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Forwards the hotbar selection. */
export const heldItemSlot: PacketHandler = (client, packet) => {
  const { slotId } = adapt.held_item_slot(packet.params)
  const session = sessionOf(client)
  if (session === undefined) return
  session.selectedSlot = slotId
  session.send({ type: WorldCommand.SelectHotbarSlot, playerId: session.playerId, slot: slotId })
}
