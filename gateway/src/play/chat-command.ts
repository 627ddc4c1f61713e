/**
 * Chat Command (signed or not): a command line without its slash, run by the world-node.
 * Account commands (/register, /login, /changepassword) stay in the gateway, and a player in the
 * limbo runs no world command. Operators' commands (/ban, /pardon, /whitelist, /op, /deop) stay
 * in the gateway too (admin-commands/), and so does /list, which needs the whole world's players.
 */
import { WorldCommand } from '#shared/world-messages.ts'
import { isAdminCommand, runAdminCommand } from '../admin-commands/table.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { isAccountCommand, runAccountCommand } from '../limbo/account-commands.ts'
import { inLimbo, remind } from '../limbo/limbo.ts'
import { adapt } from '../protocol/serverbound.ts'
import { runListCommand } from './list-command.ts'
import { sessionOf } from './session-of.ts'

/** Forwards a command. */
export const chatCommand: PacketHandler = (client, packet) => {
  const { command } = adapt.chat_command(packet.params)
  const session = sessionOf(client)
  const line = command.trim()
  if (session === undefined || line === '') return
  // The command's name, as the account, admin and gateway commands are matched.
  const name = (line.split(/\s+/, 1)[0] ?? '').toLowerCase()
  if (isAccountCommand(name)) {
    runAccountCommand(client, line)
    return
  }
  if (inLimbo(client)) {
    remind(client)
    return
  }
  if (isAdminCommand(name)) {
    runAdminCommand(client, line)
    return
  }
  if (name === 'list') {
    runListCommand(client)
    return
  }
  session.send({ type: WorldCommand.RunCommand, playerId: session.playerId, command: line.slice(0, 256) })
}
