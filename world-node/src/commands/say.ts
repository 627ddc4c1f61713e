/** /say: a server-wide announcement in the sender's name. */
import { WorldFact } from '#shared/world-messages.ts'
import { MAX_CHAT_LENGTH } from '../chat.ts'
import { tell, type CommandDefinition } from './command.ts'

/** /say <message> */
export const sayCommand: CommandDefinition = {
  name: 'say',
  usage: '/say <message>',
  description: 'Announces a message to everybody',
  opOnly: true,
  run ({ world, sender, args }) {
    const message = args.join(' ').trim().slice(0, MAX_CHAT_LENGTH)
    if (message === '') {
      tell(world, sender, 'Usage: /say <message>')
      return
    }
    world.links.broadcast({ type: WorldFact.SystemMessage, playerId: null, text: `[${sender.profile.name}] ${message}` })
  }
}
