/**
 * Operators' commands (/ban, /pardon, /whitelist, /op, /deop): answered by the gateway through
 * auth-service's admin API (Bearer GATEWAY_AUTH_ADMIN_TOKEN), never forwarded to the world-node.
 */
import type { ClientConnection } from '../connection/client-connection.ts'
import { say } from '../limbo/messages.ts'
import { ban } from './ban.ts'
import { deop } from './deop.ts'
import { op } from './op.ts'
import { pardon } from './pardon.ts'
import type { AdminCommand } from './types.ts'
import { whitelist } from './whitelist.ts'

const ADMIN_COMMANDS: ReadonlyMap<string, AdminCommand> = new Map([['ban', ban], ['pardon', pardon], ['whitelist', whitelist], ['op', op], ['deop', deop]])

/** True for an admin command's name, lower-case (handled here; the caller must drop the line). */
export function isAdminCommand (name: string): boolean {
  return ADMIN_COMMANDS.has(name)
}

/** Runs an admin command; the caller has checked isAdminCommand. */
export function runAdminCommand (client: ClientConnection, line: string): void {
  const [name = '', ...args] = line.trim().split(/\s+/)
  const command = name.toLowerCase()
  const handler = ADMIN_COMMANDS.get(command)
  if (handler === undefined) return
  if (!client.op) return void say(client, `You do not have permission to use /${command}`, 'red')
  const token = client.ctx.config.adminToken
  if (token === undefined || token === '') return void say(client, 'admin commands are not configured on this gateway', 'red')
  const call = handler.run(client, token, args)
  if (typeof call === 'string') return void say(client, `Usage: ${call}`, 'red')
  call.request.then((result) => {
    if (result.ok) return void say(client, call.success, 'green')
    client.log.info({ command, code: result.code }, 'admin command refused')
    say(client, result.code === 'GW_AUTH_UNAVAILABLE' ? 'The account service is unavailable right now: try again in a moment.' : `/${command} failed (${result.code}).`, 'red')
  }, (err: unknown) => { client.log.warn({ err, command }, 'admin command failed') })
}
