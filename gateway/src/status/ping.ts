/** Status ping: echo the payload and close, as vanilla does. */
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'

/** Answers the ping with the same time value, then ends the connection. */
export const ping: PacketHandler = (client, packet) => {
  const { time } = adapt.ping(packet.params)
  client.write('ping', { time })
  client.protocol.end()
}
