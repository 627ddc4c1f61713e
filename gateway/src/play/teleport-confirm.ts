/** Confirm Teleportation: movement is accepted again once the last teleport is confirmed. */
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Marks the pending teleport confirmed. */
export const teleportConfirm: PacketHandler = (client, packet) => {
  sessionOf(client)?.confirmTeleport(adapt.teleport_confirm(packet.params).teleportId)
}
