/** /op <player> and /deop <player>: the change reaches every gateway as OpChanged. */
import type { AdminCommand } from './types.ts'

export const op: AdminCommand = {
  usage: '/op <player>',
  run (client, token, args) {
    if (args.length !== 1) return this.usage
    return { request: client.ctx.auth.setOp(token, args[0]!, true), success: `Made ${args[0]!} an operator.` }
  }
}
