/**
 * Finish Configuration acknowledged: the client is in play; bring the player into the world.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Acknowledge_Finish_Configuration
 */
import type { PacketHandler } from '../connection/client-connection.ts'
import { requireIdentity } from '../login/complete-login.ts'
import { enterPlay } from '../session/enter-play.ts'

/** Switches to play and attaches the player to the world-node that owns their region. */
export const finishConfiguration: PacketHandler = (client) => {
  requireIdentity(client)
  client.transition('play')
  enterPlay(client)
}
