/**
 * The shape of a chat command: one file per command under commands/, listed in
 * command-table.ts.
 */
import { WorldFact } from '#shared/world-messages.ts'
import type { OnlinePlayer } from '../players.ts'
import type { World } from '../world.ts'

/** What a command runs with. */
export interface CommandContext {
  readonly world: World
  readonly sender: OnlinePlayer
  /** Words after the command name. */
  readonly args: readonly string[]
  /** Every command, for /help. */
  readonly commands: readonly CommandDefinition[]
}

/** One command. */
export interface CommandDefinition {
  readonly name: string
  readonly usage: string
  readonly description: string
  /** Only operators (profile.op) may run it. */
  readonly opOnly: boolean
  run (context: CommandContext): void
}

/** Sends a SystemMessage to one player. */
export function tell (world: World, player: OnlinePlayer, text: string): void {
  world.links.send(player.connection, { type: WorldFact.SystemMessage, playerId: player.id, text })
}
