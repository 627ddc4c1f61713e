/** Keep Alive answered: the round trip becomes the player's latency in the tab list. */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Records the latency and reports it to the world. */
export const keepAlive: PacketHandler = (client, packet) => {
  const session = sessionOf(client)
  if (session === undefined) return
  const latencyMs = session.answerKeepAlive(adapt.keep_alive(packet.params).keepAliveId)
  if (latencyMs !== undefined) session.send({ type: WorldCommand.ReportLatency, playerId: session.playerId, latencyMs })
}
