/**
 * The shared Link over TCP, for distributed mode: frames from frame-codec.ts, opened by a mutual
 * HMAC-SHA256 challenge-response over the cluster secret (DESIGN decision 9), with bounded
 * outbound buffering. Lives in shared/ only because gateway and world-node may import nothing
 * else; it stays a thin transport with no game knowledge.
 *
 * Handshake (every frame below is a control frame; its first payload byte is its kind):
 *
 *   server → client  CHALLENGE  u8 version, 32-byte server nonce
 *   client → server  ANSWER     32-byte client nonce, 32-byte client MAC, client identity (UTF-8)
 *   server → client  PROOF      32-byte server MAC, server identity (UTF-8)   … or REFUSED reason
 *
 *   client MAC = HMAC(secret, "tessera-link-v1/client" ‖ serverNonce ‖ clientNonce ‖ clientIdentity)
 *   server MAC = HMAC(secret, "tessera-link-v1/server" ‖ serverNonce ‖ clientNonce ‖ u8 len ‖ clientIdentity ‖ serverIdentity)
 *
 * Fresh nonces on both sides make each answer useless on any other connection; the distinct
 * labels stop a MAC from being reflected back. Until the handshake completes a frame may be at
 * most 1 KiB, so an unauthenticated peer cannot make us allocate a large buffer. Afterwards,
 * message frames start with MESSAGE_FORMAT and a CLOSING frame carries the reason of a close.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { TesseraError } from '../errors.ts'
import type { Link } from '../link.ts'
import { createLogger, type Logger } from '../logger.ts'
import {
  DEFAULT_MAX_FRAME_BYTES, FrameDecoder, FrameError, MESSAGE_FORMAT, decodeMessage, encodeFrame, encodeMessageFrame
} from './frame-codec.ts'

/** The cluster secret must have at least this many bytes (configs validate against it). */
export const MIN_CLUSTER_SECRET_BYTES = 16
/** Default bound on bytes accepted by send() but not yet taken by the kernel. */
export const DEFAULT_MAX_QUEUED_BYTES = 128 * 1024 * 1024
/** Default time allowed from connect to an authenticated link. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000
/** Default silence after which an open link is presumed dead (pings every third of it). */
export const DEFAULT_IDLE_TIMEOUT_MS = 15_000

const PROTOCOL_VERSION = 1
const HANDSHAKE_MAX_FRAME_BYTES = 1024
const NONCE_BYTES = 32
const MAC_BYTES = 32
const MAX_IDENTITY_BYTES = 255
const CLIENT_LABEL = Buffer.from('tessera-link-v1/client')
const SERVER_LABEL = Buffer.from('tessera-link-v1/server')

const Kind = {
  Challenge: 0xa1,
  Answer: 0xa2,
  Proof: 0xa3,
  Refused: 0xa4,
  Closing: 0xa5,
  Ping: 0xa6
} as const

/** Settings shared by both ends of a link. */
export interface LinkEndpointOptions<In> {
  /** TESSERA_CLUSTER_SECRET: at least MIN_CLUSTER_SECRET_BYTES bytes. */
  readonly secret: string | Uint8Array
  /** Who this end is, e.g. `gateway:gw-1` or `world-node:node-2`; the peer sees it authenticated. */
  readonly identity: string
  /** Checks each decoded message (isGatewayToNode / isNodeToGateway); a failure closes the link. */
  readonly isMessage: (value: unknown) => value is In
  /** Largest frame accepted after the handshake (default 64 MiB); both ends should agree. */
  readonly maxFrameBytes?: number
  /** A peer that leaves more than this many bytes unread is disconnected (default 128 MiB). */
  readonly maxQueuedBytes?: number
  /** Connect-to-authenticated deadline (default 5 s). */
  readonly handshakeTimeoutMs?: number
  /**
   * An open link on which nothing arrives for this long is closed as dead (default 15 s). Each
   * end sends a ping after a third of it without writing, so an idle healthy link stays open,
   * and a vanished peer is noticed long before TCP keepalive would.
   */
  readonly idleTimeoutMs?: number
  /** Logger for refusals and closes (default: silent). */
  readonly log?: Logger
}

/** Where and how to connect. */
export interface ConnectLinkOptions<In> extends LinkEndpointOptions<In> {
  readonly host: string
  readonly port: number
}

/** Where to listen. */
export interface ListenLinksOptions<In> extends LinkEndpointOptions<In> {
  /** Interface to bind (default 0.0.0.0). */
  readonly host?: string
  /** Port to bind; 0 (the default) picks a free one. */
  readonly port?: number
}

/** A Link over TCP, with what the handshake established. */
export interface TcpLink<Out, In> extends Link<Out, In> {
  /** The peer's identity, proven by the handshake. */
  readonly peerIdentity: string
  /** `host:port` of the peer. */
  readonly remoteAddress: string
  /** Bytes accepted by send() that the peer has not taken yet (producers may throttle on it). */
  readonly bufferedBytes: number
}

/** A listening socket that hands out authenticated links. */
export interface LinkListener {
  readonly port: number
  /** Stops accepting, closes every link with the reason, and resolves once all sockets closed. */
  close (reason?: string): Promise<void>
}

interface Settings<In> {
  readonly secret: Buffer
  readonly identity: Buffer
  readonly isMessage: (value: unknown) => value is In
  readonly maxFrameBytes: number
  readonly maxQueuedBytes: number
  readonly handshakeTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly log: Logger
}

/** Validates endpoint options once, reporting every problem together. */
function settingsOf<In> (options: LinkEndpointOptions<In>): Settings<In> {
  const problems: string[] = []
  const secret = typeof options.secret === 'string' ? Buffer.from(options.secret) : Buffer.from(options.secret)
  if (secret.length < MIN_CLUSTER_SECRET_BYTES) problems.push(`cluster secret must have at least ${MIN_CLUSTER_SECRET_BYTES} bytes, has ${secret.length}`)
  const identity = Buffer.from(options.identity)
  if (identity.length === 0 || identity.length > MAX_IDENTITY_BYTES) problems.push(`identity must have 1–${MAX_IDENTITY_BYTES} bytes`)
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
  const maxQueuedBytes = options.maxQueuedBytes ?? Math.max(DEFAULT_MAX_QUEUED_BYTES, 2 * maxFrameBytes)
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < HANDSHAKE_MAX_FRAME_BYTES || maxFrameBytes > 0xffff_ffff) problems.push(`maxFrameBytes must be an integer from ${HANDSHAKE_MAX_FRAME_BYTES} to ${0xffff_ffff}`)
  if (!Number.isInteger(maxQueuedBytes) || maxQueuedBytes < maxFrameBytes) problems.push('maxQueuedBytes must be an integer of at least maxFrameBytes')
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
  if (!(handshakeTimeoutMs > 0)) problems.push('handshakeTimeoutMs must be positive')
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  if (!(idleTimeoutMs >= 30)) problems.push('idleTimeoutMs must be at least 30 ms')
  if (problems.length > 0) throw new RangeError(`invalid link options: ${problems.join('; ')}`)
  return {
    secret,
    identity,
    isMessage: options.isMessage,
    maxFrameBytes,
    maxQueuedBytes,
    handshakeTimeoutMs,
    idleTimeoutMs,
    log: options.log ?? createLogger('cluster:link', { level: 'silent' })
  }
}

function clientMac (secret: Buffer, serverNonce: Buffer, clientNonce: Buffer, clientIdentity: Buffer): Buffer {
  return createHmac('sha256', secret).update(CLIENT_LABEL).update(serverNonce).update(clientNonce).update(clientIdentity).digest()
}

function serverMac (secret: Buffer, serverNonce: Buffer, clientNonce: Buffer, clientIdentity: Buffer, serverIdentity: Buffer): Buffer {
  return createHmac('sha256', secret).update(SERVER_LABEL).update(serverNonce).update(clientNonce)
    .update(Uint8Array.of(clientIdentity.length)).update(clientIdentity).update(serverIdentity).digest()
}

function controlFrame (kind: number, ...parts: Uint8Array[]): Buffer {
  return encodeFrame(Buffer.concat([Uint8Array.of(kind), ...parts]), HANDSHAKE_MAX_FRAME_BYTES)
}

/** A reason as a control frame body: UTF-8, cut so the frame stays under the handshake limit. */
function reasonBytes (reason: string): Buffer {
  const bytes = Buffer.from(reason)
  return bytes.length <= 512 ? bytes : bytes.subarray(0, 512)
}

type Role = 'client' | 'server'
type State = 'handshake' | 'open' | 'closed'

/** How a link ends: notify the peer with a frame, then FIN; or drop the socket at once. */
interface Ending {
  readonly notify: 'closing' | 'refused' | 'none'
  readonly graceful: boolean
  readonly level: 'debug' | 'info' | 'warn'
}

/** One TCP connection: handshake first, then the Link. */
class SocketLink<Out extends object, In> implements TcpLink<Out, In> {
  peerIdentity = ''
  readonly remoteAddress: string
  readonly #socket: Socket
  readonly #role: Role
  readonly #settings: Settings<In>
  readonly #decoder = new FrameDecoder({ maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES })
  readonly #onOpen: (link: SocketLink<Out, In>) => void
  readonly #onFailed: (reason: string, authFailure: boolean) => void
  #state: State = 'handshake'
  #serverNonce: Buffer | null = null
  #clientNonce: Buffer | null = null
  #handshakeTimer: NodeJS.Timeout | undefined
  #livenessTimer: NodeJS.Timeout | undefined
  #lastReceived = 0
  #lastSent = 0
  #handler: ((message: In) => void) | undefined
  #closeHandlers: Array<(reason: string) => void> = []
  #closeReason = ''
  #stash: In[] = []
  #queue: Buffer[] = []
  #queuedBytes = 0
  #congested = false
  #corked = false
  #socketError: Error | undefined

  constructor (socket: Socket, role: Role, settings: Settings<In>, onOpen: (link: SocketLink<Out, In>) => void, onFailed: (reason: string, authFailure: boolean) => void) {
    this.#socket = socket
    this.#role = role
    this.#settings = settings
    this.#onOpen = onOpen
    this.#onFailed = onFailed
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 10_000)
    socket.on('data', (chunk: Buffer) => { this.#onData(chunk) })
    socket.on('drain', () => { this.#flush() })
    socket.on('error', (err) => { this.#socketError ??= err })
    socket.on('close', () => {
      const detail = this.#socketError === undefined ? '' : `: ${this.#socketError.message}`
      this.#end(`connection lost${detail}`, { notify: 'none', graceful: false, level: 'info' })
    })
    this.#handshakeTimer = setTimeout(() => {
      this.#end(`handshake timed out after ${settings.handshakeTimeoutMs} ms`, { notify: 'refused', graceful: true, level: 'warn' })
    }, settings.handshakeTimeoutMs)
  }

  /** Server side: send the challenge as soon as the socket is accepted. */
  challenge (): void {
    this.#serverNonce = randomBytes(NONCE_BYTES)
    this.#socket.write(controlFrame(Kind.Challenge, Uint8Array.of(PROTOCOL_VERSION), this.#serverNonce))
  }

  get closed (): boolean {
    return this.#state === 'closed'
  }

  get bufferedBytes (): number {
    return this.#queuedBytes + this.#socket.writableLength
  }

  send (message: Out): void {
    if (this.#state !== 'open') return
    this.#write(encodeMessageFrame(message, this.#settings.maxFrameBytes))
  }

  onMessage (handler: (message: In) => void): void {
    this.#handler = handler
    if (this.#stash.length === 0) return
    queueMicrotask(() => { this.#drainStash() })
  }

  onClose (handler: (reason: string) => void): void {
    if (this.#state === 'closed') {
      queueMicrotask(() => { handler(this.#closeReason) })
      return
    }
    this.#closeHandlers.push(handler)
  }

  close (reason: string): void {
    this.#end(reason, { notify: 'closing', graceful: true, level: 'debug' })
  }

  // ── inbound ─────────────────────────────────────────────────────────────────────────────

  #onData (chunk: Buffer): void {
    this.#lastReceived = performance.now()
    try {
      this.#decoder.push(chunk, (payload) => { this.#onFrame(payload) })
    } catch (err) {
      const reason = err instanceof FrameError || err instanceof ProtocolError ? err.message : `protocol error: ${String(err)}`
      this.#end(reason, { notify: this.#state === 'open' ? 'closing' : 'refused', graceful: true, level: 'warn' })
    }
  }

  #onFrame (payload: Buffer): void {
    if (this.#state === 'closed') return
    const kind = payload[0]
    if (this.#state === 'open') {
      if (kind === MESSAGE_FORMAT) return this.#deliver(decodeMessage(payload))
      if (kind === Kind.Ping) return
      if (kind === Kind.Closing) {
        return this.#end(payload.toString('utf8', 1) || 'closed by peer', { notify: 'none', graceful: true, level: 'info' })
      }
      throw new ProtocolError(`unexpected frame kind ${kind} on an open link`)
    }
    if (this.#role === 'server') return this.#onAnswer(kind, payload)
    this.#onServerFrame(kind, payload)
  }

  #onAnswer (kind: number | undefined, payload: Buffer): void {
    if (kind !== Kind.Answer) throw new ProtocolError('expected a handshake answer')
    if (payload.length < 1 + NONCE_BYTES + MAC_BYTES + 1) throw new ProtocolError('handshake answer is too short')
    const clientNonce = payload.subarray(1, 1 + NONCE_BYTES)
    const mac = payload.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + MAC_BYTES)
    const identity = payload.subarray(1 + NONCE_BYTES + MAC_BYTES)
    if (identity.length > MAX_IDENTITY_BYTES) throw new ProtocolError('handshake identity is too long')
    const expected = clientMac(this.#settings.secret, this.#serverNonce!, clientNonce, identity)
    if (!timingSafeEqual(mac, expected)) {
      return this.#end(`authentication failed for ${JSON.stringify(identity.toString())}`, { notify: 'refused', graceful: true, level: 'warn' }, true)
    }
    this.peerIdentity = identity.toString()
    this.#write(controlFrame(Kind.Proof, serverMac(this.#settings.secret, this.#serverNonce!, clientNonce, identity, this.#settings.identity), this.#settings.identity))
    this.#opened()
  }

  #onServerFrame (kind: number | undefined, payload: Buffer): void {
    if (kind === Kind.Refused) {
      return this.#end(`refused by ${this.remoteAddress}: ${payload.toString('utf8', 1)}`, { notify: 'none', graceful: true, level: 'debug' }, true)
    }
    if (this.#serverNonce === null) {
      if (kind !== Kind.Challenge || payload.length !== 2 + NONCE_BYTES) throw new ProtocolError('expected a handshake challenge')
      if (payload[1] !== PROTOCOL_VERSION) throw new ProtocolError(`unsupported link protocol version ${payload[1]}`)
      this.#serverNonce = Buffer.from(payload.subarray(2))
      this.#clientNonce = randomBytes(NONCE_BYTES)
      const mac = clientMac(this.#settings.secret, this.#serverNonce, this.#clientNonce, this.#settings.identity)
      this.#socket.write(controlFrame(Kind.Answer, this.#clientNonce, mac, this.#settings.identity))
      return
    }
    if (kind !== Kind.Proof || payload.length < 1 + MAC_BYTES + 1) throw new ProtocolError('expected a handshake proof')
    const mac = payload.subarray(1, 1 + MAC_BYTES)
    const identity = payload.subarray(1 + MAC_BYTES)
    const expected = serverMac(this.#settings.secret, this.#serverNonce, this.#clientNonce!, this.#settings.identity, identity)
    if (!timingSafeEqual(mac, expected)) {
      return this.#end(`${this.remoteAddress} failed to prove it knows the cluster secret`, { notify: 'refused', graceful: true, level: 'warn' }, true)
    }
    this.peerIdentity = identity.toString()
    this.#opened()
  }

  #opened (): void {
    clearTimeout(this.#handshakeTimer)
    this.#state = 'open'
    this.#decoder.maxFrameBytes = this.#settings.maxFrameBytes
    this.#startLiveness()
    this.#settings.log.debug({ peer: this.peerIdentity, remote: this.remoteAddress }, 'internal link open')
    this.#onOpen(this)
  }

  /** Pings when we have been quiet, and drops the link when the peer has been. */
  #startLiveness (): void {
    const idle = this.#settings.idleTimeoutMs
    this.#lastReceived = this.#lastSent = performance.now()
    this.#livenessTimer = setInterval(() => {
      const now = performance.now()
      if (now - this.#lastReceived > idle) {
        this.#end(`peer silent for more than ${idle} ms`, { notify: 'none', graceful: false, level: 'warn' })
        return
      }
      if (now - this.#lastSent >= idle / 3) this.#write(controlFrame(Kind.Ping))
    }, Math.floor(idle / 3))
    this.#livenessTimer.unref()
  }

  #deliver (message: unknown): void {
    if (!this.#settings.isMessage(message)) {
      throw new ProtocolError(`unexpected message type ${JSON.stringify((message as { type?: unknown }).type)}`)
    }
    if (this.#handler === undefined || this.#stash.length > 0) {
      // Nobody listens yet (the link was just handed out): hold this chunk's messages, read no more.
      this.#stash.push(message)
      this.#socket.pause()
      return
    }
    this.#invoke(message)
  }

  #drainStash (): void {
    while (this.#stash.length > 0 && this.#state === 'open' && this.#handler !== undefined) {
      this.#invoke(this.#stash.shift()!)
    }
    if (this.#state === 'open' && this.#stash.length === 0) this.#socket.resume()
  }

  #invoke (message: In): void {
    try {
      this.#handler!(message)
    } catch (err) {
      this.#settings.log.error({ err, peer: this.peerIdentity }, 'internal link message handler failed')
      this.#end(`message handler failed: ${(err as Error).message}`, { notify: 'closing', graceful: true, level: 'debug' })
    }
  }

  // ── outbound ────────────────────────────────────────────────────────────────────────────

  #write (frame: Buffer): void {
    this.#lastSent = performance.now()
    if (this.#congested) {
      this.#queue.push(frame)
      this.#queuedBytes += frame.length
    } else {
      if (!this.#corked) {
        // Batch the frames of one turn of the event loop into one writev.
        this.#corked = true
        this.#socket.cork()
        process.nextTick(() => { this.#corked = false; this.#socket.uncork() })
      }
      if (!this.#socket.write(frame)) this.#congested = true
    }
    if (this.bufferedBytes > this.#settings.maxQueuedBytes) {
      this.#end(`peer cannot keep up: ${this.bufferedBytes} bytes unsent, limit ${this.#settings.maxQueuedBytes}`, { notify: 'none', graceful: false, level: 'warn' })
    }
  }

  #flush (): void {
    this.#congested = false
    while (this.#queue.length > 0 && !this.#congested) {
      const frame = this.#queue.shift()!
      this.#queuedBytes -= frame.length
      if (!this.#socket.write(frame)) this.#congested = true
    }
  }

  // ── closing ─────────────────────────────────────────────────────────────────────────────

  /** Ends the link once; authFailure marks a handshake that failed on the secret. */
  #end (reason: string, ending: Ending, authFailure = false): void {
    if (this.#state === 'closed') return
    const wasOpen = this.#state === 'open'
    this.#state = 'closed'
    this.#closeReason = reason
    clearTimeout(this.#handshakeTimer)
    clearInterval(this.#livenessTimer)
    const socket = this.#socket
    if (ending.graceful && !socket.destroyed) {
      for (const frame of this.#queue) socket.write(frame)
      // Before the handshake completes the peer only understands a refusal.
      const notify = ending.notify === 'closing' && !wasOpen ? 'refused' : ending.notify
      if (notify === 'closing') socket.write(controlFrame(Kind.Closing, reasonBytes(reason)))
      if (notify === 'refused') socket.write(controlFrame(Kind.Refused, reasonBytes(reason)))
      socket.end()
      setTimeout(() => { socket.destroy() }, this.#settings.handshakeTimeoutMs).unref()
    } else {
      socket.destroy()
    }
    this.#queue = []
    this.#queuedBytes = 0
    this.#stash = []
    const context = { peer: this.peerIdentity || undefined, remote: this.remoteAddress, reason }
    if (wasOpen) {
      this.#settings.log[ending.level](context, 'internal link closed')
      const handlers = this.#closeHandlers
      this.#closeHandlers = []
      for (const handler of handlers) handler(reason)
      return
    }
    // A refusal is logged once, here; a socket that merely vanished (a TCP probe) is not a threat.
    if (this.#role === 'server') this.#settings.log[ending.level === 'warn' ? 'warn' : 'info'](context, 'internal link refused')
    this.#onFailed(reason, authFailure)
  }
}

/** A peer broke the link protocol; the message is the close reason. */
class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/**
 * Connects and authenticates. Resolves with an open link; rejects with
 * TesseraError('WN_LINK_REFUSED') when either side fails the handshake, or an Error when the
 * connection fails or the handshake times out. Nothing is logged for a refusal: the caller
 * gets the error and decides.
 */
export async function connectLink<Out extends object, In> (options: ConnectLinkOptions<In>): Promise<TcpLink<Out, In>> {
  const settings = settingsOf(options)
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port })
    const target = `${options.host}:${options.port}`
    const link = new SocketLink<Out, In>(socket, 'client', settings, resolve, (reason, authFailure) => {
      reject(authFailure ? new TesseraError('WN_LINK_REFUSED', `${target}: ${reason}`) : new Error(`link to ${target} failed: ${reason}`))
    })
    void link
  })
}

/**
 * Listens for links and hands each authenticated one to onLink (synchronously, so handlers
 * registered there see every message). A peer that fails the handshake is refused with a
 * reason, logged once, and never reaches onLink; other links are unaffected.
 */
export async function listenLinks<Out extends object, In> (options: ListenLinksOptions<In>, onLink: (link: TcpLink<Out, In>) => void): Promise<LinkListener> {
  const settings = settingsOf(options)
  const links = new Set<SocketLink<Out, In>>()
  const server: Server = createServer((socket) => {
    const link = new SocketLink<Out, In>(socket, 'server', settings, (open) => {
      open.onClose(() => { links.delete(open) })
      try {
        onLink(open)
      } catch (err) {
        settings.log.error({ err, peer: open.peerIdentity }, 'internal link listener callback failed')
        open.close('the server could not take the link')
      }
    }, () => { links.delete(link) })
    links.add(link)
    link.challenge()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (err) => { settings.log.error({ err }, 'internal link listener failed') })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('listener has no port')
  return {
    port: address.port,
    async close (reason = 'listener closing') {
      const closed = new Promise<void>((resolve) => { server.close(() => { resolve() }) })
      for (const link of [...links]) link.close(reason)
      await closed
    }
  }
}
