// A full mineflayer bot: decodes everything and runs physics, like a real client does. A few of
// these beside the light bots check that the server serves a complete client under load.
import { performance } from 'node:perf_hooks'
import mineflayer from 'mineflayer'
import { Vec3 } from 'vec3'
import { chatText, portOf, recordEnd, type BotContext, type BotHandle, type BotResult } from './bot.ts'
import { createMover, type Mover } from './movement.ts'

const CLOSE_TIMEOUT_MS = 2000

/** A mineflayer bot steered by the same movement patterns as the light bots. */
export class MineflayerBot implements BotHandle {
  readonly result: BotResult
  private readonly context: BotContext
  private readonly index: number
  private bot: mineflayer.Bot | undefined
  private mover: Mover | undefined
  private joinTimer: NodeJS.Timeout | undefined
  private settled = false
  private closing = false
  private kickReason: string | undefined
  private closed: Promise<void> | undefined

  constructor (name: string, index: number, context: BotContext) {
    this.context = context
    this.index = index
    this.result = { name, kind: 'mineflayer', outcome: 'pending', startedAt: 0, bytesIn: 0, bytesOut: 0, packetsIn: 0, chunkPackets: 0, packetsByName: {} }
  }

  start (): void {
    const { host, codec, viewDistance, joinTimeoutMs } = this.context
    const port = portOf(this.context, this.index)
    this.result.startedAt = performance.now()
    const bot = mineflayer.createBot({ host, port, username: this.result.name, version: codec.version, auth: 'offline', hideErrors: true, viewDistance, logErrors: false })
    this.bot = bot
    this.closed = new Promise((resolve) => bot.once('end', () => resolve()))
    this.joinTimer = setTimeout(() => this.fail(`join timed out after ${joinTimeoutMs} ms`), joinTimeoutMs)
    bot._client.on('packet', () => { this.result.packetsIn++ })
    bot._client.on('map_chunk', () => { this.result.chunkPackets++ })
    bot.once('login', () => {
      if (this.settled) return
      this.settled = true
      clearTimeout(this.joinTimer)
      const now = performance.now()
      this.result.outcome = 'joined'
      this.result.joinedAt = now
      this.result.joinMs = now - this.result.startedAt
      this.context.onSettled(this)
    })
    bot.once('spawn', () => {
      this.result.spawnMs = performance.now() - this.result.startedAt
      const { x, z } = bot.entity.position
      this.mover = createMover(this.context.pattern, { x, z, yaw: 0 }, this.context.radius, this.index, this.context.total)
    })
    bot.on('kicked', (reason) => { this.kickReason = `kicked: ${chatText(reason)}` })
    bot.on('error', (err: NodeJS.ErrnoException) => { this.kickReason ??= err.code !== undefined ? `socket ${err.code}` : `error: ${err.message}` })
    bot.once('end', (reason) => this.ended(this.kickReason ?? `connection ended: ${reason}`))
  }

  tick (_now: number): void {
    const bot = this.bot
    if (this.closing || bot === undefined || this.mover === undefined || this.result.outcome !== 'joined') return
    // Mineflayer runs its own 20 Hz physics; steer it toward where the pattern says to go.
    const { x, y, z } = bot.entity.position
    const next = this.mover.step({ x, z, yaw: 0 })
    if (next === null) {
      bot.clearControlStates()
      return
    }
    bot.lookAt(new Vec3(next.x, y + bot.entity.height, next.z), true).catch(() => {})
    bot.setControlState('forward', true)
  }

  close (): Promise<void> {
    this.closing = true
    clearTimeout(this.joinTimer)
    const bot = this.bot
    if (bot === undefined || this.result.endedAt !== undefined) return Promise.resolve()
    bot.quit()
    const timer = setTimeout(() => bot._client.socket?.destroy(), CLOSE_TIMEOUT_MS)
    return (this.closed ?? Promise.resolve()).finally(() => clearTimeout(timer))
  }

  private fail (reason: string): void {
    this.kickReason ??= reason
    this.bot?._client.socket?.destroy()
    this.ended(reason)
  }

  private ended (reason: string): void {
    const result = this.result
    if (result.endedAt !== undefined) return
    clearTimeout(this.joinTimer)
    result.endedAt = performance.now()
    const socket = this.bot?._client.socket
    result.bytesIn = socket?.bytesRead ?? 0
    result.bytesOut = socket?.bytesWritten ?? 0
    if (recordEnd(result, this.closing, reason) && !this.settled) {
      this.settled = true
      this.context.onSettled(this)
    }
  }
}
