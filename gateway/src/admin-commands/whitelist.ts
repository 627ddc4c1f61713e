/** /whitelist add|remove <player>. */
import type { AdminCommand } from './types.ts'

export const whitelist: AdminCommand = {
  usage: '/whitelist add|remove <player>',
  run (client, token, args) {
    const [action, name] = args
    if (args.length !== 2 || name === undefined || (action !== 'add' && action !== 'remove')) return this.usage
    const add = action === 'add'
    return { request: client.ctx.auth.setWhitelisted(token, name, add), success: add ? `Added ${name} to the whitelist.` : `Removed ${name} from the whitelist.` }
  }
}
