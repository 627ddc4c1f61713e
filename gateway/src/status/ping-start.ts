/**
 * Status request: answer with MOTD, version and player counts.
 * https://minecraft.wiki/w/Java_Edition_protocol/Server_List_Ping
 */
import type { PacketHandler } from '../connection/client-connection.ts'

/** Sends the status JSON, echoing the client's protocol number only when it matches ours. */
export const pingStart: PacketHandler = (client) => {
  const { ctx } = client
  const online = ctx.onlinePlayers()
  client.write('server_info', {
    response: JSON.stringify({
      version: { name: ctx.config.version, protocol: ctx.protocolVersion },
      players: { max: ctx.config.maxPlayers, online: online.length, sample: online.slice(0, 12).map((p) => ({ name: p.name, id: p.id })) },
      description: { text: ctx.config.motd },
      enforcesSecureChat: false
    })
  })
}
