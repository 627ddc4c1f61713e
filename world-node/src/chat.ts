/**
 * Chat: a player's line goes to every gateway (cluster-wide), trimmed and capped at 256 chars.
 */
import { WorldFact, type SendChat } from '#shared/world-messages.ts'
import type { OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** Longest chat line the client may send (vanilla's limit). */
export const MAX_CHAT_LENGTH = 256

/** SendChat: broadcast the line; empty lines are dropped. */
export function sendChat (world: World, player: OnlinePlayer, command: SendChat): void {
  const text = command.text.trim().slice(0, MAX_CHAT_LENGTH)
  if (text === '') return
  world.log.info({ player: player.profile.name, text }, 'chat')
  world.links.broadcast({ type: WorldFact.ChatBroadcast, senderId: player.id, senderName: player.profile.name, text })
}
