// The lightweight load bot: logs in offline, answers what the server expects an idle client to
// answer (keep-alive, ping, teleports, chunk batches) and walks at 20 Hz. It decodes only those
// packets; see raw-connection.ts.
// Login sequence: https://minecraft.wiki/w/Java_Edition_protocol/FAQ#What's_the_normal_login_sequence_for_a_client?
import { createHash } from 'node:crypto'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import { createMover, type Heading, type Mover, type MovementPattern } from './movement.ts'
import type { ClientState, ProtocolCodec } from './protocol-codec.ts'
import { RawConnection, type WantedPackets } from './raw-connection.ts'

/** Where a bot's life ended up; 'closed' means we closed it at the end of the run. */
export type BotOutcome = 'pending' | 'joined' | 'failed' | 'dropped' | 'closed'

/** Everything a bot measured, in milliseconds of performance.now(). */
export interface BotResult {
  name: string
  kind: 'light' | 'mineflayer'
  outcome: BotOutcome
  /** why the join failed or the bot was dropped */
  reason?: string
  startedAt: number
  /** connect → play-state login packet */
  joinMs?: number
  /** connect → first position (teleport) packet: the bot can move */
  spawnMs?: number
  joinedAt?: number
  endedAt?: number
  bytesIn: number
  bytesOut: number
  packetsIn: number
  chunkPackets: number
  /** play-state clientbound packets by name (light bots only) */
  packetsByName: Record<string, number>
}

/**
 * Records how a bot's connection ended: closed by the run, dropped after joining, or failed
 * before it joined. Returns true for a failed join, which settles the bot (the run counts it).
 */
export function recordEnd (result: BotResult, closing: boolean, reason: string): boolean {
  if (closing && result.outcome === 'joined') {
    result.outcome = 'closed'
    return false
  }
  if (result.outcome === 'joined') {
    result.outcome = 'dropped'
    result.reason = reason
    return false
  }
  result.outcome = 'failed'
  result.reason = closing ? 'run ended before the bot joined' : reason
  return true
}

/**
 * Coalesces socket reads: a socket is paused after each read and all are resumed together every
 * interval, so one wake-up drains many sockets. Without it a server that writes one TCP segment
 * per packet wakes the generator once per packet, and that costs more than decoding.
 * Adds up to intervalMs to every round trip the bots take part in.
 */
export class ReadBatcher {
  private held: net.Socket[] = []
  private readonly timer: NodeJS.Timeout
  private stopped = false

  constructor (intervalMs: number) {
    this.timer = setInterval(() => this.release(), intervalMs)
  }

  /** Takes a socket to resume later; false once stopped, when the socket should keep reading. */
  hold (socket: net.Socket): boolean {
    if (this.stopped) return false
    this.held.push(socket)
    return true
  }

  /** Resumes every held socket. */
  release (): void {
    const held = this.held
    this.held = []
    for (const socket of held) if (!socket.destroyed) socket.resume()
  }

  /** Resumes every socket and reads at once from now on, so closing sockets see the server's FIN. */
  stop (): void {
    this.stopped = true
    clearInterval(this.timer)
    this.release()
  }
}

/** The parts of a run every bot shares. */
export interface BotContext {
  host: string
  /** game ports on host; bot i connects to ports[i % length] (several gateways of a cluster) */
  ports: readonly number[]
  codec: ProtocolCodec
  pattern: MovementPattern
  radius: number
  total: number
  viewDistance: number
  chunksPerTick: number
  joinTimeoutMs: number
  /** 0 disables the ping_request probe */
  probeIntervalMs: number
  /** called once when the bot joins or fails to */
  onSettled(bot: BotHandle): void
  /** round trips of ping_request → ping_response, ms */
  pingRttMs: number[]
  /** null reads every packet as soon as it arrives */
  readBatcher: ReadBatcher | null
}

/** The game port bot `index` connects to. */
export function portOf (context: Pick<BotContext, 'ports'>, index: number): number {
  return context.ports[index % context.ports.length] as number
}

/** A running bot of either kind, driven by the run's 20 Hz tick. */
export interface BotHandle {
  readonly result: BotResult
  start(): void
  tick(now: number): void
  /** Disconnects; resolves once the socket is closed (bounded). */
  close(): Promise<void>
}

/** The UUID an offline-mode server derives from a name (v3 of "OfflinePlayer:" + name). */
export function offlineUuid (name: string): string {
  const hash = createHash('md5').update(`OfflinePlayer:${name}`).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x30
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Readable text of a chat component, given as JSON text or minecraft-protocol's NBT form. */
export function chatText (component: unknown): string {
  if (typeof component === 'string') {
    try {
      return chatText(JSON.parse(component))
    } catch {
      return component
    }
  }
  if (component === null || typeof component !== 'object') return String(component)
  const nbt = component as { type?: string, value?: unknown }
  if (nbt.type === 'string') return String(nbt.value)
  if (nbt.type === 'compound' && nbt.value !== null && typeof nbt.value === 'object') {
    const fields = nbt.value as Record<string, unknown>
    return [fields.translate, fields.text, fields.extra].filter((part) => part !== undefined).map(chatText).join('')
  }
  if (nbt.type === 'list') return chatText((nbt.value as { value?: unknown })?.value)
  if (Array.isArray(component)) return component.map(chatText).join('')
  const json = component as Record<string, unknown>
  return [json.translate, json.text, json.extra].filter((part) => part !== undefined).map(chatText).join('')
}

const WANTED: WantedPackets = {
  login: ['compress', 'success', 'disconnect', 'encryption_begin', 'login_plugin_request', 'cookie_request'],
  configuration: ['keep_alive', 'ping', 'select_known_packs', 'finish_configuration', 'disconnect', 'cookie_request'],
  play: ['login', 'keep_alive', 'ping', 'ping_response', 'position', 'chunk_batch_finished', 'kick_disconnect', 'start_configuration']
}

type Handler = (bot: LightBot, params: any) => void

// One dispatch table per connection state; packets not listed are counted and skipped.
const HANDLERS: Record<Exclude<ClientState, 'handshaking'>, Record<string, Handler>> = {
  login: {
    compress: (bot, p) => { bot.connection.compressionThreshold = p.threshold },
    success: (bot) => {
      bot.connection.send('login_acknowledged', {})
      bot.enterConfiguration()
    },
    disconnect: (bot, p) => bot.fail(`login disconnect: ${chatText(p.reason)}`),
    encryption_begin: (bot) => bot.fail('server asked for encryption: is it in online mode?'),
    login_plugin_request: (bot, p) => bot.connection.send('login_plugin_response', { messageId: p.messageId, data: undefined }),
    cookie_request: (bot, p) => bot.connection.send('cookie_response', { key: p.cookie, value: undefined })
  },
  configuration: {
    keep_alive: (bot, p) => bot.connection.send('keep_alive', { keepAliveId: p.keepAliveId }),
    ping: (bot, p) => bot.connection.send('pong', { id: p.id }),
    select_known_packs: (bot) => bot.connection.send('select_known_packs', { packs: [] }),
    finish_configuration: (bot) => {
      bot.connection.send('finish_configuration', {})
      bot.connection.state = 'play'
    },
    disconnect: (bot, p) => bot.fail(`configuration disconnect: ${chatText(p.reason)}`),
    cookie_request: (bot, p) => bot.connection.send('cookie_response', { key: p.cookie, value: undefined })
  },
  play: {
    login: (bot) => {
      // Clients repeat their settings in play (mineflayer does); flying-squid only reads them there.
      bot.sendSettings()
      bot.joined()
    },
    keep_alive: (bot, p) => bot.connection.send('keep_alive', { keepAliveId: p.keepAliveId }),
    ping: (bot, p) => bot.connection.send('pong', { id: p.id }),
    ping_response: (bot, p) => bot.pingResponse(BigInt(p.id)),
    position: (bot, p) => bot.teleported(p),
    chunk_batch_finished: (bot) => bot.connection.send('chunk_batch_received', { chunksPerTick: bot.context.chunksPerTick }),
    kick_disconnect: (bot, p) => bot.fail(`kicked: ${chatText(p.reason)}`),
    start_configuration: (bot) => {
      bot.connection.send('configuration_acknowledged', {})
      bot.enterConfiguration()
    }
  }
}

const PROBE_TIMEOUT_MS = 5000
// Shared by every bot's socket: reads are handled one at a time and copied if kept.
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024)
const CLOSE_TIMEOUT_MS = 2000

/** A bot that speaks just enough protocol to stay connected and move. */
export class LightBot implements BotHandle {
  readonly result: BotResult
  readonly context: BotContext
  connection!: RawConnection
  private socket: net.Socket | undefined
  private readonly index: number
  private joinTimer: NodeJS.Timeout | undefined
  private settled = false
  private closing = false
  private position: Heading & { y: number, pitch: number } = { x: 0, y: 0, z: 0, yaw: 0, pitch: 0 }
  private mover: Mover | undefined
  private probeId = 0n
  private probeSentAt = -1
  private nextProbeAt = 0
  private probeAnswered = false
  private closed: Promise<void> | undefined

  constructor (name: string, index: number, context: BotContext) {
    this.index = index
    this.context = context
    this.result = { name, kind: 'light', outcome: 'pending', startedAt: 0, bytesIn: 0, bytesOut: 0, packetsIn: 0, chunkPackets: 0, packetsByName: {} }
  }

  start (): void {
    const { host, codec } = this.context
    const port = portOf(this.context, this.index)
    this.result.startedAt = performance.now()
    // onread: reads land in one shared buffer, skipping a Buffer and a stream 'data' event per
    // read; the server writes one TCP segment per packet, so there are thousands of reads a second.
    const batcher = this.context.readBatcher
    const socket: net.Socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes): boolean => {
          this.connection.receive(READ_BUFFER.subarray(0, bytes))
          // Returning false pauses the socket until the batcher resumes it.
          return batcher === null || socket.destroyed || !batcher.hold(socket)
        }
      }
    })
    this.socket = socket
    this.connection = new RawConnection(socket, codec, WANTED, (name, params) => {
      const handler = HANDLERS[this.connection.state as Exclude<ClientState, 'handshaking'>]?.[name]
      handler?.(this, params)
    })
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    this.joinTimer = setTimeout(() => this.fail(`join timed out after ${this.context.joinTimeoutMs} ms in state ${this.connection.state}`), this.context.joinTimeoutMs)
    socket.once('connect', () => {
      this.connection.send('set_protocol', { protocolVersion: codec.protocolVersion, serverHost: host, serverPort: port, nextState: 2 })
      this.connection.state = 'login'
      this.connection.send('login_start', { username: this.result.name, playerUUID: offlineUuid(this.result.name) })
    })
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code !== undefined ? `socket ${err.code}` : `error: ${err.message}`))
    socket.once('close', () => this.ended(`connection closed by server in state ${this.connection.state}`))
  }

  tick (now: number): void {
    if (this.closing || this.mover === undefined || this.result.outcome !== 'joined') return
    const next = this.mover.step(this.position)
    if (next === null) {
      // Status only, as a standing vanilla client sends; flying-squid waits for one after spawn
      // before it sends more than the nearest chunks.
      this.connection.send('flying', { flags: { onGround: true } })
    } else {
      this.position.x = next.x
      this.position.z = next.z
      this.position.yaw = next.yaw
      const { x, y, z, yaw, pitch } = this.position
      this.connection.send('position_look', { x, y, z, yaw, pitch, flags: { onGround: true } })
    }
    this.probe(now)
  }

  close (): Promise<void> {
    this.closing = true
    clearTimeout(this.joinTimer)
    const socket = this.socket
    if (socket === undefined || socket.destroyed) return Promise.resolve()
    socket.end()
    const timer = setTimeout(() => socket.destroy(), CLOSE_TIMEOUT_MS)
    return (this.closed ?? Promise.resolve()).finally(() => clearTimeout(timer))
  }

  /** Enters the configuration state and sends the client information the server waits for. */
  enterConfiguration (): void {
    this.connection.state = 'configuration'
    this.sendSettings()
  }

  /** Client information: locale, view distance, skin parts. */
  sendSettings (): void {
    this.connection.send('settings', {
      locale: 'en_us',
      viewDistance: this.context.viewDistance,
      chatFlags: 0,
      chatColors: true,
      skinParts: 127,
      mainHand: 1,
      enableTextFiltering: false,
      enableServerListing: true,
      particleStatus: 'all'
    })
  }

  joined (): void {
    if (this.settled) return
    const now = performance.now()
    this.settled = true
    clearTimeout(this.joinTimer)
    this.result.outcome = 'joined'
    this.result.joinedAt = now
    this.result.joinMs = now - this.result.startedAt
    this.context.onSettled(this)
  }

  /** A server teleport: confirm it, then report the position as the vanilla client does. */
  teleported (p: any): void {
    const flags = p.flags ?? {}
    const position = this.position
    position.x = flags.x === true ? position.x + p.x : p.x
    position.y = flags.y === true ? position.y + p.y : p.y
    position.z = flags.z === true ? position.z + p.z : p.z
    position.yaw = flags.yaw === true ? position.yaw + p.yaw : p.yaw
    position.pitch = flags.pitch === true ? position.pitch + p.pitch : p.pitch
    this.connection.send('teleport_confirm', { teleportId: p.teleportId })
    const { x, y, z, yaw, pitch } = position
    this.connection.send('position_look', { x, y, z, yaw, pitch, flags: { onGround: true } })
    if (this.mover === undefined) {
      this.result.spawnMs = performance.now() - this.result.startedAt
      this.mover = createMover(this.context.pattern, { x, z, yaw }, this.context.radius, this.index, this.context.total)
      this.connection.send('player_loaded', {})
      // Spread probes over the interval so they do not arrive at the server in bursts.
      this.nextProbeAt = performance.now() + ((this.index * 997) % Math.max(1, this.context.probeIntervalMs))
    }
  }

  pingResponse (id: bigint): void {
    if (id !== this.probeId || this.probeSentAt < 0) return
    this.context.pingRttMs.push(performance.now() - this.probeSentAt)
    this.probeSentAt = -1
    this.probeAnswered = true
  }

  /** Ends the bot with a reason: a failed join before it joined, a drop after. */
  fail (reason: string): void {
    this.ended(reason)
    this.socket?.destroy()
  }

  private probe (now: number): void {
    if (this.context.probeIntervalMs <= 0) return
    if (this.probeSentAt >= 0) {
      if (now - this.probeSentAt <= PROBE_TIMEOUT_MS) return
      this.probeSentAt = -1
      // A server that never answers ping_request (flying-squid) gets no more probes.
      if (!this.probeAnswered) this.nextProbeAt = Infinity
    }
    if (now < this.nextProbeAt) return
    this.probeId++
    this.probeSentAt = now
    this.nextProbeAt = now + this.context.probeIntervalMs
    this.connection.send('ping_request', { id: this.probeId })
  }

  private ended (reason: string): void {
    const result = this.result
    if (result.endedAt !== undefined) return
    clearTimeout(this.joinTimer)
    result.endedAt = performance.now()
    const stats = this.connection.stats
    result.bytesIn = stats.bytesIn
    result.bytesOut = stats.bytesOut
    result.packetsIn = stats.packetsIn
    stats.playPacketsById.forEach((count, id) => {
      if (count === 0) return
      const name = this.context.codec.nameOf('play', id) ?? `0x${id.toString(16)}`
      result.packetsByName[name] = count
    })
    result.chunkPackets = result.packetsByName.map_chunk ?? 0
    if (recordEnd(result, this.closing, reason) && !this.settled) {
      this.settled = true
      this.context.onSettled(this)
    }
  }
}
