/**
 * RunCommand: one table of commands, permission checks in one place.
 */
import type { RunCommand } from '#shared/world-messages.ts'
import type { OnlinePlayer } from '../players.ts'
import type { World } from '../world.ts'
import { tell, type CommandDefinition } from './command.ts'
import { gamemodeCommand } from './gamemode.ts'
import { helpCommand } from './help.ts'
import { sayCommand } from './say.ts'
import { tpCommand } from './tp.ts'

/** Every command the world-node runs (the gateway answers /list itself: gateway/src/play/list-command.ts). */
export const COMMANDS: readonly CommandDefinition[] = [helpCommand, tpCommand, gamemodeCommand, sayCommand]

const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]))
const MAX_COMMAND_LENGTH = 256

/** RunCommand: parse, check permission, run. */
export function runCommand (world: World, player: OnlinePlayer, command: RunCommand): void {
  const words = command.command.slice(0, MAX_COMMAND_LENGTH).trim().replace(/^\//, '').split(/\s+/).filter((word) => word !== '')
  const name = (words[0] ?? '').toLowerCase()
  const definition = BY_NAME.get(name)
  if (definition === undefined) {
    tell(world, player, `Unknown command: /${name}. Type /help for a list of commands.`)
    return
  }
  if (definition.opOnly && !player.profile.op) {
    tell(world, player, `You do not have permission to use /${definition.name}`)
    return
  }
  world.log.info({ player: player.profile.name, command: command.command }, 'command')
  definition.run({ world, sender: player, args: words.slice(1), commands: COMMANDS })
}
