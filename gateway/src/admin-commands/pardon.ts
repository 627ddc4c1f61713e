/** /pardon <player>: lifts the ban on the name. */
import type { AdminCommand } from './types.ts'

export const pardon: AdminCommand = {
  usage: '/pardon <player>',
  run (client, token, args) {
    if (args.length !== 1) return this.usage
    return { request: client.ctx.auth.pardon(token, 'name', args[0]!), success: `Pardoned ${args[0]!}.` }
  }
}
