/** /tp: teleport to coordinates or players. */
import { outsideWorld, teleportPlayer } from '../movement.ts'
import type { OnlinePlayer } from '../players.ts'
import { tell, type CommandDefinition, type CommandContext } from './command.ts'

/** A coordinate argument: absolute, or relative to `base` with `~`. */
function coordinate (arg: string, base: number): number | undefined {
  const relative = arg.startsWith('~')
  const text = relative ? arg.slice(1) : arg
  const value = text === '' ? 0 : Number(text)
  if (!Number.isFinite(value)) return undefined
  return relative ? base + value : value
}

function findPlayer (context: CommandContext, name: string): OnlinePlayer | undefined {
  const player = context.world.players.byName(name)
  if (player === undefined) tell(context.world, context.sender, `No player was found: ${name}`)
  return player
}

/** /tp <x> <y> <z> | /tp <player> | /tp <player> <targetPlayer> */
export const tpCommand: CommandDefinition = {
  name: 'tp',
  usage: '/tp <x> <y> <z> | /tp <player> | /tp <player> <target>',
  description: 'Teleports a player',
  opOnly: true,
  run (context) {
    const { world, sender, args } = context
    if (args.length === 3) {
      const [x, y, z] = [coordinate(args[0] ?? '', sender.x), coordinate(args[1] ?? '', sender.y), coordinate(args[2] ?? '', sender.z)]
      if (x === undefined || y === undefined || z === undefined) {
        tell(world, sender, `Usage: ${this.usage}`)
        return
      }
      const problem = outsideWorld(world, x, y, z)
      if (problem !== null) {
        tell(world, sender, `Cannot teleport there: ${problem}`)
        return
      }
      teleportPlayer(world, sender, { x, y, z })
      tell(world, sender, `Teleported ${sender.profile.name} to ${x.toFixed(2)}, ${y.toFixed(2)}, ${z.toFixed(2)}`)
      return
    }
    if (args.length === 1 || args.length === 2) {
      const mover = args.length === 1 ? sender : findPlayer(context, args[0] ?? '')
      const target = findPlayer(context, args[args.length - 1] ?? '')
      if (mover === undefined || target === undefined) return
      teleportPlayer(world, mover, { x: target.x, y: target.y, z: target.z, yaw: target.yaw, pitch: target.pitch })
      tell(world, sender, `Teleported ${mover.profile.name} to ${target.profile.name}`)
      return
    }
    tell(world, sender, `Usage: ${this.usage}`)
  }
}
