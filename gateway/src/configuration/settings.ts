/** Client Information: remember the client's view distance (the server's own bounds it). */
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'

/** Records the requested view distance. */
export const settings: PacketHandler = (client, packet) => {
  client.clientViewDistance = adapt.settings(packet.params).viewDistance
}
