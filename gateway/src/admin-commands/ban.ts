/** /ban <player> [reason…]: bans the name; a player online is kicked through the PlayerBanned event. */
import type { AdminCommand } from './types.ts'

export const ban: AdminCommand = {
  usage: '/ban <player> [reason…]',
  run (client, token, [name, ...reason]) {
    if (name === undefined) return this.usage
    const why = reason.length > 0 ? reason.join(' ') : `Banned by ${client.identity?.username ?? 'an operator'}`
    return { request: client.ctx.auth.ban(token, { kind: 'name', value: name, reason: why }), success: `Banned ${name}: ${why}` }
  }
}
