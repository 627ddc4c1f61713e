/**
 * Chat Message: a line for everyone (signatures ignored: secure chat is not enforced). A player
 * in the limbo is not heard (the line may well be a password typed without its /login).
 */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { inLimbo, remind } from '../limbo/limbo.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Forwards a chat line. */
export const chatMessage: PacketHandler = (client, packet) => {
  const { message } = adapt.chat_message(packet.params)
  const session = sessionOf(client)
  const text = message.trim()
  if (session === undefined || text === '') return
  if (inLimbo(client)) {
    remind(client)
    return
  }
  session.send({ type: WorldCommand.SendChat, playerId: session.playerId, text })
}
