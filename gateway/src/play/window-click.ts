/**
 * Click Container: moving items inside the survival inventory is not simulated yet, so the
 * client's prediction is undone by resending the authoritative inventory.
 */
import type { PacketHandler } from '../connection/client-connection.ts'
import { sessionOf } from './session-of.ts'

/** Resynchronises the inventory. */
export const windowClick: PacketHandler = (client) => {
  sessionOf(client)?.sendInventory()
}
