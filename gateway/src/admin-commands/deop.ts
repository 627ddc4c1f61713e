/** /deop <player>. */
import type { AdminCommand } from './types.ts'

export const deop: AdminCommand = {
  usage: '/deop <player>',
  run (client, token, args) {
    if (args.length !== 1) return this.usage
    return { request: client.ctx.auth.setOp(token, args[0]!, false), success: `${args[0]!} is no longer an operator.` }
  }
}
