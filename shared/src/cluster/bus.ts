/**
 * A cluster-wide publish/subscribe bus for facts every process needs (chat, the player list,
 * time, membership changes). Delivery is at most once and in publish order per publisher and
 * topic: a process that is disconnected misses what was published meanwhile, so the bus carries
 * nothing that must be durable (DESIGN decision 8: chat stays available through a failover,
 * and loses what was said during it). Embedded mode uses InProcessBus; distributed mode uses
 * RedisBus over Redis pub/sub. Transport plumbing shared by every service, hence in shared/.
 */
import type { Logger } from '../logger.ts'
import type { Redis } from './redis-connection.ts'

/** What a handler receives: the published bytes (a string is published as UTF-8). */
export type BusHandler = (message: Uint8Array) => void

/** Stops one subscription; resolves once no further message reaches its handler. */
export type Unsubscribe = () => Promise<void>

/** Cluster-wide pub/sub. */
export interface Bus {
  /** Sends to every current subscriber of the topic, in every process. */
  publish (topic: string, message: Uint8Array | string): Promise<void>
  /** Resolves once the subscription is active: anything published afterwards reaches handler. */
  subscribe (topic: string, handler: BusHandler): Promise<Unsubscribe>
  /** Drops every subscription. */
  close (): Promise<void>
}

function toBytes (message: Uint8Array | string): Uint8Array {
  return typeof message === 'string' ? Buffer.from(message) : message
}

/** Calls every handler, so one throwing handler neither stops the others nor the bus. */
function dispatch (handlers: Iterable<BusHandler>, message: Uint8Array, topic: string, log: Logger | undefined): void {
  for (const handler of handlers) {
    try {
      handler(message)
    } catch (err) {
      log?.error({ err, topic }, 'bus handler failed')
    }
  }
}

/**
 * The bus of one process. Delivery is a microtask later, like a network bus, and every handler
 * gets its own copy of the bytes, as it would from Redis.
 */
export class InProcessBus implements Bus {
  readonly #topics = new Map<string, Set<BusHandler>>()
  readonly #log: Logger | undefined

  constructor (options: { log?: Logger } = {}) {
    this.#log = options.log
  }

  publish (topic: string, message: Uint8Array | string): Promise<void> {
    const handlers = this.#topics.get(topic)
    if (handlers === undefined || handlers.size === 0) return Promise.resolve()
    const bytes = toBytes(message)
    const targets = [...handlers]
    queueMicrotask(() => {
      for (const handler of targets) {
        if (handlers.has(handler)) dispatch([handler], Uint8Array.from(bytes), topic, this.#log)
      }
    })
    return Promise.resolve()
  }

  subscribe (topic: string, handler: BusHandler): Promise<Unsubscribe> {
    let handlers = this.#topics.get(topic)
    if (handlers === undefined) this.#topics.set(topic, handlers = new Set())
    // Wrap so the same function subscribed twice is two subscriptions, as with RedisBus.
    const entry: BusHandler = (message) => { handler(message) }
    handlers.add(entry)
    return Promise.resolve(() => {
      handlers.delete(entry)
      if (handlers.size === 0 && this.#topics.get(topic) === handlers) this.#topics.delete(topic)
      return Promise.resolve()
    })
  }

  close (): Promise<void> {
    this.#topics.clear()
    return Promise.resolve()
  }
}

/** Options of a RedisBus. */
export interface RedisBusOptions {
  /** Connection for PUBLISH (may be shared with other commands). */
  readonly publisher: Redis
  /** Connection used only for SUBSCRIBE: Redis reserves a subscribed connection for pub/sub. */
  readonly subscriber: Redis
  /** Channel prefix (default `tessera:bus:`). */
  readonly prefix?: string
  readonly log?: Logger
}

/**
 * The bus over Redis pub/sub. One SUBSCRIBE per topic however many local handlers; ioredis
 * resubscribes after a reconnect (messages published while disconnected are lost).
 */
export class RedisBus implements Bus {
  readonly #publisher: Redis
  readonly #subscriber: Redis
  readonly #prefix: string
  readonly #log: Logger | undefined
  readonly #channels = new Map<string, Set<BusHandler>>()
  /** Serialises SUBSCRIBE/UNSUBSCRIBE per channel so they reach Redis in the order issued. */
  readonly #pending = new Map<string, Promise<unknown>>()

  constructor (options: RedisBusOptions) {
    this.#publisher = options.publisher
    this.#subscriber = options.subscriber
    this.#prefix = options.prefix ?? 'tessera:bus:'
    this.#log = options.log
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const handlers = this.#channels.get(channel.toString())
      if (handlers !== undefined) dispatch([...handlers], message, channel.toString(), this.#log)
    })
  }

  async publish (topic: string, message: Uint8Array | string): Promise<void> {
    const payload = typeof message === 'string' ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength)
    await this.#publisher.publish(this.#prefix + topic, payload)
  }

  async subscribe (topic: string, handler: BusHandler): Promise<Unsubscribe> {
    const channel = this.#prefix + topic
    let handlers = this.#channels.get(channel)
    const first = handlers === undefined
    if (handlers === undefined) this.#channels.set(channel, handlers = new Set())
    const entry: BusHandler = (message) => { handler(message) }
    handlers.add(entry)
    if (first) {
      await this.#serial(channel, async () => await this.#subscriber.subscribe(channel))
    } else {
      await this.#pending.get(channel)
    }
    let done = false
    return async () => {
      if (done) return
      done = true
      handlers.delete(entry)
      if (handlers.size > 0 || this.#channels.get(channel) !== handlers) return
      this.#channels.delete(channel)
      await this.#serial(channel, async () => await this.#subscriber.unsubscribe(channel))
    }
  }

  async #serial (channel: string, run: () => Promise<unknown>): Promise<void> {
    const previous = this.#pending.get(channel) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(run)
    this.#pending.set(channel, next)
    try {
      await next
    } finally {
      if (this.#pending.get(channel) === next) this.#pending.delete(channel)
    }
  }

  /** Unsubscribes everything; the connections stay open (their owner closes them). */
  async close (): Promise<void> {
    const channels = [...this.#channels.keys()]
    this.#channels.clear()
    if (channels.length > 0) await this.#subscriber.unsubscribe(...channels)
  }
}
