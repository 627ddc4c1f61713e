/**
 * Offline mode with accounts: a player admitted with `needsPassword` waits in a limbo until
 * /register or /login succeeds. In the limbo the player stands at the point they joined (moves
 * are answered with a teleport back), chat and world commands are not forwarded to the world,
 * digging and placing are ignored, instructions are repeated, and a player who does not log in
 * within GATEWAY_LIMBO_TIMEOUT_S is disconnected.
 *
 * The world-node attaches the player as usual (others see them standing at spawn); only the
 * gateway knows about the limbo, so passwords never reach the world-node and are never logged.
 */
import type { ClientConnection } from '../connection/client-connection.ts'
import type { PlayerSession } from '../session/player-session.ts'
import { say } from './messages.ts'

/** How often the instructions are repeated while in the limbo. */
const REMINDER_INTERVAL_MS = 10_000
/** A move further than this from the anchor (horizontally, in blocks) is undone. */
const HORIZONTAL_SLACK = 0.3
/** Vertical slack: a jump or settling onto the ground is not a move away. */
const VERTICAL_SLACK = 1.5

interface Limbo {
  readonly anchor: { readonly x: number, readonly y: number, readonly z: number }
  readonly reminder: NodeJS.Timeout
  readonly timeout: NodeJS.Timeout
}

const limbos = new WeakMap<ClientConnection, Limbo>()
/** Connections admitted with accounts on (needsPassword was not 'none' at admission). */
const withAccounts = new WeakSet<ClientConnection>()

/** True while the player has not logged in with a password. */
export function inLimbo (client: ClientConnection): boolean {
  return client.needsPassword !== 'none'
}

/** True when this connection was admitted by a service with offline accounts on. */
export function usesAccounts (client: ClientConnection): boolean {
  return withAccounts.has(client)
}

/** The instruction for what the player must do next. */
export function instruction (client: ClientConnection): string {
  return client.needsPassword === 'register'
    ? 'This name is not registered yet: type /register <password> <password> to create your account.'
    : 'Welcome back! Type /login <password> to play.'
}

/** Repeats the instruction in chat and on the action bar. */
export function remind (client: ClientConnection): void {
  say(client, instruction(client), 'gold')
  say(client, client.needsPassword === 'register' ? '/register <password> <password>' : '/login <password>', 'gold', true)
}

/** Called once the world attached the player: starts the limbo if they must log in. */
export function enterLimbo (session: PlayerSession): void {
  const { client } = session
  if (!inLimbo(client) || limbos.has(client)) return
  withAccounts.add(client)
  const timeoutMs = client.ctx.config.limboTimeoutMs
  const reminder = setInterval(() => { remind(client) }, REMINDER_INTERVAL_MS)
  const timeout = setTimeout(() => {
    client.log.info({ player: session.name, timeoutMs }, 'disconnected: did not log in in time')
    client.disconnect(`You did not log in within ${Math.round(timeoutMs / 1000)} seconds. Reconnect and type ${client.needsPassword === 'register' ? '/register <password> <password>' : '/login <password>'}.`)
  }, timeoutMs)
  reminder.unref()
  timeout.unref()
  limbos.set(client, { anchor: { x: session.x, y: session.y, z: session.z }, reminder, timeout })
  client.onClose(() => { clear(client) })
  remind(client)
}

/** The password was accepted: the player may play. */
export function leaveLimbo (client: ClientConnection, message: string): void {
  client.needsPassword = 'none'
  clear(client)
  say(client, message, 'green')
  say(client, '', undefined, true)
  client.log.info({ player: client.identity?.username }, 'logged in with a password')
}

function clear (client: ClientConnection): void {
  const limbo = limbos.get(client)
  if (limbo === undefined) return
  clearInterval(limbo.reminder)
  clearTimeout(limbo.timeout)
  limbos.delete(client)
}

/**
 * Handles a move while in the limbo: nothing is forwarded to the world, and a move away from the
 * anchor is answered with a teleport back. Returns false when the player is not in the limbo.
 */
export function holdInLimbo (session: PlayerSession, move: { x?: number, y?: number, z?: number, yaw?: number, pitch?: number }): boolean {
  const { client } = session
  if (!inLimbo(client)) return false
  const limbo = limbos.get(client)
  if (limbo === undefined || move.x === undefined || move.y === undefined || move.z === undefined) return true
  const { anchor } = limbo
  const away = Math.hypot(move.x - anchor.x, move.z - anchor.z) > HORIZONTAL_SLACK || Math.abs(move.y - anchor.y) > VERTICAL_SLACK
  if (away) session.teleport(anchor.x, anchor.y, anchor.z, move.yaw ?? session.yaw, move.pitch ?? session.pitch)
  return true
}
