/** /help: the commands this player may run. */
import { tell, type CommandDefinition } from './command.ts'

/** Commands a gateway answers before they reach a world-node, listed by /help with the others. */
const GATEWAY_COMMANDS = [{ usage: '/list', description: 'Lists the players online' }]

/** /help */
export const helpCommand: CommandDefinition = {
  name: 'help',
  usage: '/help',
  description: 'Lists the commands you can use',
  opOnly: false,
  run ({ world, sender, commands }) {
    const usable = commands.filter((command) => !command.opOnly || sender.profile.op)
    const lines = [...usable, ...GATEWAY_COMMANDS].map((command) => `${command.usage} - ${command.description}`).sort()
    tell(world, sender, ['Commands:', ...lines].join('\n'))
  }
}
