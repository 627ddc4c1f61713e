/** /help: the commands this player may run. */
import { tell, type CommandDefinition } from './command.ts'

/** /help */
export const helpCommand: CommandDefinition = {
  name: 'help',
  usage: '/help',
  description: 'Lists the commands you can use',
  opOnly: false,
  run ({ world, sender, commands }) {
    const usable = commands.filter((command) => !command.opOnly || sender.profile.op)
    tell(world, sender, ['Commands:', ...usable.map((command) => `${command.usage} - ${command.description}`)].join('\n'))
  }
}
