/**
 * Real mineflayer bots for end-to-end tests, joined with bounded waits.
 */
import mineflayer, { type Bot } from 'mineflayer'
import { waitForEvent } from './wait.ts'

/** Options for a test bot. */
export interface BotOptions {
  readonly port: number
  readonly username: string
  readonly version?: string
  readonly host?: string
  /** Called with the bot before it connects (to listen for what arrives with the spawn). */
  readonly onCreate?: (bot: Bot) => void
}

/** Creates a bot and resolves once it has spawned; rejects on kick, error or timeout. */
export async function joinBot (options: BotOptions, timeoutMs = 30_000): Promise<Bot> {
  const bot = mineflayer.createBot({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    username: options.username,
    version: options.version ?? '1.21.4',
    auth: 'offline',
    hideErrors: true,
    checkTimeoutInterval: 60_000,
    physicsEnabled: true
  })
  options.onCreate?.(bot)
  const failure = new Promise<never>((_resolve, reject) => {
    bot.once('kicked', (reason) => { reject(new Error(`${options.username} kicked: ${JSON.stringify(reason)}`)) })
    bot.once('error', (err) => { reject(err) })
    bot.once('end', (reason) => { reject(new Error(`${options.username} disconnected: ${reason}`)) })
  })
  try {
    await Promise.race([waitForEvent(bot, 'spawn', timeoutMs), failure])
  } catch (err) {
    bot.end()
    throw err
  }
  failure.catch(() => {})
  return bot
}

/** Ends a bot and waits for its connection to close (bounded). */
export async function quitBot (bot: Bot, timeoutMs = 5000): Promise<void> {
  // Already closed (kicked, say): quitting again would leave minecraft-protocol's 30 s close timer running.
  if ((bot._client as { ended?: boolean }).ended === true) return
  const ended = waitForEvent(bot, 'end', timeoutMs).catch(() => {})
  bot.quit()
  await ended
}

/** Runs `action` and resolves with the next system message matching `pattern` (bounded by ms). */
export async function answer (bot: Bot, pattern: RegExp, action: () => void, ms = 5000): Promise<string> {
  const got = waitForEvent<[string]>(bot, 'messagestr', ms, (text) => pattern.test(text))
  action()
  return (await got)[0]
}

/** A kick reason as text (mineflayer hands over the parsed text component). */
export function reasonText (reason: unknown): string {
  return typeof reason === 'string' ? reason : JSON.stringify(reason)
}
