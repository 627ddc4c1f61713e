/**
 * One typed table: gateway command → feature handler (STYLE rule 4). Player commands are
 * accepted only from the link that attached the player; `null` marks a command handled
 * elsewhere (Hello, during the handshake).
 */
import { WorldCommand, type GatewayToNode } from '#shared/world-messages.ts'
import { sendChat } from './chat.ts'
import { resendChunk, subscribeChunks, unsubscribeChunks } from './chunk-subscriptions.ts'
import { runCommand } from './commands/command-table.ts'
import { digBlock } from './digging.ts'
import { swingArm } from './entities.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { abortTransfer, acceptTransfer, commitTransfer, completeTransfer } from './handoff.ts'
import { selectHotbarSlot, setCreativeSlot } from './inventory.ts'
import { movePlayer } from './movement.ts'
import { placeBlock } from './placing.ts'
import { reportLatency } from './player-list.ts'
import { attachPlayer, handleDetach } from './player-session.ts'
import type { OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

type CommandOf<K extends GatewayToNode['type']> = Extract<GatewayToNode, { type: K }>

/** A handler of a command about the link (attach, subscriptions). */
interface LinkScoped<M> { readonly scope: 'link', readonly handle: (world: World, connection: GatewayConnection, command: M) => void }
/** A handler of a command by an attached player. */
interface PlayerScoped<M> { readonly scope: 'player', readonly handle: (world: World, player: OnlinePlayer, command: M) => void }

type CommandTable = { readonly [K in GatewayToNode['type']]: LinkScoped<CommandOf<K>> | PlayerScoped<CommandOf<K>> | null }

const link = <M>(handle: LinkScoped<M>['handle']): LinkScoped<M> => ({ scope: 'link', handle })
const player = <M>(handle: PlayerScoped<M>['handle']): PlayerScoped<M> => ({ scope: 'player', handle })

/** Every gateway command and who handles it. */
export const COMMAND_TABLE: CommandTable = {
  [WorldCommand.Hello]: null,
  [WorldCommand.AttachPlayer]: link(attachPlayer),
  [WorldCommand.DetachPlayer]: link(handleDetach),
  [WorldCommand.SubscribeChunks]: link(subscribeChunks),
  [WorldCommand.UnsubscribeChunks]: link(unsubscribeChunks),
  [WorldCommand.ResendChunk]: link(resendChunk),
  [WorldCommand.MovePlayer]: player(movePlayer),
  [WorldCommand.SwingArm]: player(swingArm),
  [WorldCommand.DigBlock]: player(digBlock),
  [WorldCommand.PlaceBlock]: player(placeBlock),
  [WorldCommand.SelectHotbarSlot]: player(selectHotbarSlot),
  [WorldCommand.SetCreativeSlot]: player(setCreativeSlot),
  [WorldCommand.SendChat]: player(sendChat),
  [WorldCommand.RunCommand]: player(runCommand),
  [WorldCommand.ReportLatency]: player(reportLatency),
  [WorldCommand.AcceptTransfer]: link(acceptTransfer),
  [WorldCommand.CommitTransfer]: link(commitTransfer),
  [WorldCommand.CompleteTransfer]: link(completeTransfer),
  [WorldCommand.AbortTransfer]: link(abortTransfer)
}

/** Result of dispatching: handled, ignored (stale or foreign player), or a protocol violation. */
export type DispatchResult = 'handled' | 'ignored' | 'unknown'

/** Runs one queued command inside the tick. */
export function dispatchCommand (world: World, connection: GatewayConnection, command: GatewayToNode): DispatchResult {
  const entry = (COMMAND_TABLE as Record<string, LinkScoped<GatewayToNode> | PlayerScoped<GatewayToNode> | null | undefined>)[command.type]
  if (entry === undefined) return 'unknown'
  if (entry === null) return 'ignored'
  if (entry.scope === 'link') {
    entry.handle(world, connection, command)
    return 'handled'
  }
  const playerId = 'playerId' in command ? command.playerId : undefined
  const target = playerId === undefined ? undefined : world.players.get(playerId)
  // Stale commands for a player who left, or another gateway's player: drop them.
  if (target === undefined || target.connection !== connection) return 'ignored'
  // A player frozen for a handoff acts no more here (the gateway buffers and replays its input).
  if (target.frozen !== null) return 'ignored'
  entry.handle(world, target, command)
  return 'handled'
}
