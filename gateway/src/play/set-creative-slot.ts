/** Set Creative Mode Slot: accepted by the world-node only in creative mode. */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { inLimbo } from '../limbo/limbo.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Translates the item id to a name and forwards the slot change. */
export const setCreativeSlot: PacketHandler = (client, packet) => {
  const change = adapt.set_creative_slot(packet.params)
  const session = sessionOf(client)
  if (session === undefined || change.slot < 0 || inLimbo(client)) return
  const name = change.itemId === null ? undefined : client.ctx.registries.itemName(change.itemId)
  const item = name === undefined ? null : { name, count: change.count }
  session.send({ type: WorldCommand.SetCreativeSlot, playerId: session.playerId, slot: change.slot, item })
}
