/** /list: who is online. */
import { tell, type CommandDefinition } from './command.ts'

/** /list */
export const listCommand: CommandDefinition = {
  name: 'list',
  usage: '/list',
  description: 'Lists the players online',
  opOnly: false,
  run ({ world, sender }) {
    const names = [...world.players.all()].map((player) => player.profile.name).sort((a, b) => a.localeCompare(b))
    tell(world, sender, `There ${names.length === 1 ? 'is 1 player' : `are ${names.length} players`} online: ${names.join(', ')}`)
  }
}
