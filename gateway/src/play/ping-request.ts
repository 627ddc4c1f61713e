/** Ping Request (play): answered at once with Ping Response carrying the same id, as vanilla does (F3+L debug pings, load tools). */
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'

/** Echoes the id. The status ping's adapter checks it: the payload is the same single long. */
export const pingRequest: PacketHandler = (client, packet) => {
  const { time: id } = adapt.ping({ time: packet.params.id })
  client.write('ping_response', { id })
}
