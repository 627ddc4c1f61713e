/** /gamemode: change your own or another player's game mode. */
import { WorldFact, type GameMode } from '#shared/world-messages.ts'
import { upsertListEntries } from '../player-list.ts'
import { tell, type CommandDefinition } from './command.ts'

const MODES: Record<string, GameMode> = {
  survival: 'survival', s: 'survival', 0: 'survival',
  creative: 'creative', c: 'creative', 1: 'creative',
  adventure: 'adventure', a: 'adventure', 2: 'adventure',
  spectator: 'spectator', sp: 'spectator', 3: 'spectator'
}

const TITLES: Record<GameMode, string> = {
  survival: 'Survival Mode', creative: 'Creative Mode', adventure: 'Adventure Mode', spectator: 'Spectator Mode'
}

/** /gamemode <survival|creative|adventure|spectator> [player] */
export const gamemodeCommand: CommandDefinition = {
  name: 'gamemode',
  usage: '/gamemode <survival|creative|adventure|spectator> [player]',
  description: 'Sets the game mode',
  opOnly: true,
  run ({ world, sender, args }) {
    const mode = MODES[(args[0] ?? '').toLowerCase()]
    if (mode === undefined || args.length > 2) {
      tell(world, sender, `Usage: ${this.usage}`)
      return
    }
    const target = args[1] === undefined ? sender : world.players.byName(args[1])
    if (target === undefined) {
      tell(world, sender, `No player was found: ${args[1]}`)
      return
    }
    target.gameMode = mode
    world.links.send(target.connection, { type: WorldFact.GameModeChanged, playerId: target.id, gameMode: mode })
    upsertListEntries(world, [target])
    if (target === sender) {
      tell(world, sender, `Set own game mode to ${TITLES[mode]}`)
      return
    }
    tell(world, sender, `Set ${target.profile.name}'s game mode to ${TITLES[mode]}`)
    tell(world, target, `Your game mode has been updated to ${TITLES[mode]}`)
  }
}
