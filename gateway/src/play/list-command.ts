/**
 * /list, answered by the gateway: its tab list holds every player in the world, since every
 * world-node reports its players to every gateway, while a world-node knows only the players it
 * simulates (in a cluster, those standing in its regions).
 */
import type { ClientConnection } from '../connection/client-connection.ts'
import { say } from '../limbo/messages.ts'

/** Tells the player who is online, by name. */
export function runListCommand (client: ClientConnection): void {
  const names = [...client.ctx.world.playerList.values()].map((entry) => entry.name).sort((a, b) => a.localeCompare(b))
  say(client, `There ${names.length === 1 ? 'is 1 player' : `are ${names.length} players`} online: ${names.join(', ')}`)
}
