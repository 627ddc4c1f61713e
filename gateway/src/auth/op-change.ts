/**
 * OpChanged from auth-service for a player online here. The world-node learns a player's op
 * flag only in AttachPlayer, and there is no message to change it while attached, so:
 * - granted: the flag is recorded (the next attach, after a rejoin or a handoff to another
 *   world-node, carries it) and the player is told to rejoin to use operator commands;
 * - removed: the player is disconnected with the reason, so a revoked op never keeps operator
 *   commands until they happen to leave.
 */
import type { AuthEvent } from '#shared/auth-api.ts'
import type { PlayerDirectory } from '../session/player-directory.ts'
import { kickAndWait } from '../session/player-directory.ts'
import { say } from '../limbo/messages.ts'

/** Applies an op change to the player's connection on this gateway, if any. */
export function applyOpChange (players: PlayerDirectory, event: Extract<AuthEvent, { type: 'OpChanged' }>): void {
  const uuid = event.uuid.toLowerCase()
  for (const client of players.connections()) {
    if (client.identity?.playerId.toLowerCase() !== uuid || client.op === event.op) continue
    client.op = event.op
    client.log.info({ player: client.identity.username, op: event.op }, 'operator status changed')
    if (event.op) say(client, 'You are now an operator: rejoin to use operator commands.', 'yellow')
    else void kickAndWait(client, 'Your operator status was removed: please rejoin')
  }
}
