/**
 * A client's connection as a state machine: handshake → status | login → configuration →
 * play. Each state has one dispatch table; the table is swapped on every transition. Handlers
 * return or throw; this loop alone logs the failure (once) and disconnects with a readable reason.
 */
import type { Socket } from 'node:net'
import nbt from 'prismarine-nbt'
import { TesseraError } from '#shared/errors.ts'
import type { Logger } from '#shared/logger.ts'
import type { PlayerId } from '#shared/ids.ts'
import type { ProfileProperty } from '#shared/world-messages.ts'
import { ProtocolConnection } from '../protocol/protocol-connection.ts'
import type { ProtocolState, RawPacket } from '../protocol/packet-codec.ts'
import type { GatewayContext } from '../gateway-context.ts'
import type { PlayerSession } from '../session/player-session.ts'

/** A token bucket refilled continuously. */
class TokenBucket {
  readonly #rate: number
  readonly #capacity: number
  #tokens: number
  #last = performance.now()

  constructor (rate: number, capacity: number) {
    this.#rate = rate
    this.#capacity = capacity
    this.#tokens = capacity
  }

  /** Takes one token; false when the bucket is empty. */
  take (): boolean {
    const now = performance.now()
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#rate / 1000)
    this.#last = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

/** Handles one packet; may be async. Throw (or reject) to drop the connection. */
export type PacketHandler = (client: ClientConnection, packet: RawPacket) => void | Promise<void>

/** The dispatch table of one connection state. `null` marks a packet deliberately ignored. */
export type HandlerTable = Readonly<Record<string, PacketHandler | null>>

/** Who the player is, once login has settled it. */
export interface LoginIdentity {
  readonly username: string
  readonly playerId: PlayerId
  readonly properties: readonly ProfileProperty[]
}

/** One client connection and everything the gateway knows about it. */
export class ClientConnection {
  readonly ctx: GatewayContext
  readonly protocol: ProtocolConnection
  log: Logger
  identity: LoginIdentity | undefined
  /** auth-service session, once admitted. */
  sessionId: string | undefined
  op = false
  /** Offline accounts: what the player must do before playing. */
  needsPassword: 'none' | 'register' | 'login' = 'none'
  /** Present in the play state. */
  session: PlayerSession | undefined
  /** Online-mode login in progress: the name and the verify token we sent. */
  pendingLogin: { readonly username: string, readonly verifyToken: Buffer } | undefined
  /** Client Information view distance, once sent. */
  clientViewDistance = 0
  #tables: Readonly<Record<ProtocolState, HandlerTable>>
  #table: HandlerTable
  #closed = false
  #failed = false
  readonly #unknownLogged = new Set<string>()
  readonly #closeHandlers: Array<() => void> = []
  /** Vanilla clients send about 20-60 packets/s; the burst (twice the rate) absorbs a lag spike's catch-up. */
  readonly #packets: TokenBucket | undefined
  /** Per-state deadline (login must finish in time). */
  #deadline: NodeJS.Timeout | undefined

  constructor (ctx: GatewayContext, socket: Socket, tables: Readonly<Record<ProtocolState, HandlerTable>>) {
    this.ctx = ctx
    this.#tables = tables
    this.#table = tables.handshaking
    const rate = ctx.config.maxPacketsPerSecond
    this.#packets = rate > 0 ? new TokenBucket(rate, 2 * rate) : undefined
    this.log = ctx.log.child({ address: socket.remoteAddress })
    this.protocol = new ProtocolConnection(socket, ctx.config.version, {
      packet: (packet) => { this.#dispatch(packet) },
      failure: (error) => { this.fail(error) },
      close: () => { this.#onClose() }
    })
    this.setDeadline(ctx.loginTimeoutMs)
  }

  get closed (): boolean { return this.#closed }
  get state (): ProtocolState { return this.protocol.state }

  /** Moves to another state: swaps both the codec and the dispatch table. */
  transition (state: ProtocolState, version?: string): void {
    this.protocol.setState(state, version)
    this.#table = this.#tables[state]
  }

  /** Closes the connection if it is still short of play after ms (0 clears the deadline). */
  setDeadline (ms: number): void {
    clearTimeout(this.#deadline)
    this.#deadline = ms > 0 ? setTimeout(() => { this.fail(new TesseraError('GW_LOGIN_TIMEOUT')) }, ms) : undefined
    this.#deadline?.unref()
  }

  /** Sends a packet in the current state. */
  write (name: string, params: unknown): void {
    this.protocol.write(name, params)
  }

  /** Runs when the connection closes, for whatever reason. */
  onClose (handler: () => void): void {
    this.#closeHandlers.push(handler)
  }

  /** Disconnects with a reason the player reads, using the packet the current state allows. */
  disconnect (reason: string): void {
    if (this.#closed) return
    try {
      switch (this.protocol.state) {
        case 'login':
          this.write('disconnect', { reason: JSON.stringify({ text: reason }) })
          break
        case 'configuration':
          this.write('disconnect', { reason: nbt.comp({ text: nbt.string(reason) }) })
          break
        case 'play':
          this.write('kick_disconnect', { reason: nbt.comp({ text: nbt.string(reason) }) })
          break
        default:
          break
      }
    } finally {
      this.protocol.end()
    }
  }

  /** The single place a failure is logged and turned into a disconnect. */
  fail (error: unknown): void {
    if (this.#failed || this.#closed) return
    this.#failed = true
    const tessera = error instanceof TesseraError ? error : undefined
    const context = { state: this.protocol.state, player: this.identity?.username, code: tessera?.code }
    if (tessera !== undefined) {
      this.log.warn({ ...context, err: { message: tessera.message } }, 'connection closed: %s', tessera.message)
      this.disconnect(tessera.playerMessage)
    } else if ((error as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET' || (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') {
      this.log.debug(context, 'connection reset by client')
      this.protocol.destroy()
    } else {
      this.log.error({ ...context, err: error }, 'connection failed')
      this.disconnect('Internal server error')
    }
  }

  #dispatch (packet: RawPacket): void {
    // One flooding client must not fill the world-node's queue for everyone on this gateway.
    if (this.#packets !== undefined && !this.#packets.take()) {
      this.fail(new TesseraError('GW_PACKET_FLOOD', `more than ${this.ctx.config.maxPacketsPerSecond} packets/s`))
      return
    }
    const handler = this.#table[packet.name]
    if (handler === null) return
    if (handler === undefined) {
      if (!this.#unknownLogged.has(packet.name)) {
        this.#unknownLogged.add(packet.name)
        this.log.debug({ packet: packet.name, state: this.protocol.state }, 'packet without a handler ignored')
      }
      return
    }
    try {
      const result = handler(this, packet)
      if (result instanceof Promise) result.catch((err: unknown) => { this.fail(err) })
    } catch (err) {
      this.fail(err)
    }
  }

  #onClose (): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#deadline)
    for (const handler of this.#closeHandlers) {
      try {
        handler()
      } catch (err) {
        this.log.error({ err }, 'close handler failed')
      }
    }
  }
}
