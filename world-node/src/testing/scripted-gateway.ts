/**
 * A scripted gateway for tests: drives a world-node through a real in-process link and waits,
 * with a bound, for the facts it expects. No sleeps: every wait is on a message.
 */
import { randomUUID } from 'node:crypto'
import { toGatewayId, toPlayerId, type PlayerId } from '#shared/ids.ts'
import { createInProcessLinkPair, type Link } from '#shared/link.ts'
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway, type PlayerProfile } from '#shared/world-messages.ts'

/** The default wait for one expected message. */
export const DEFAULT_WAIT_MS = 10_000

type Fact<K extends NodeToGateway['type']> = Extract<NodeToGateway, { type: K }>

interface Waiter {
  readonly match: (message: NodeToGateway) => boolean
  readonly resolve: (message: NodeToGateway) => void
}

/** A link end that records what the node sends. */
export class ScriptedGateway {
  readonly link: Link<GatewayToNode, NodeToGateway>
  /** Received and not yet taken by expect(). */
  readonly inbox: NodeToGateway[] = []
  closedReason: string | null = null
  readonly #waiters = new Set<Waiter>()
  readonly #closeWaiters: Array<(reason: string) => void> = []

  /** Over a fresh in-process link handed to `acceptLink`, or over an open link (e.g. TCP). */
  constructor (acceptLink: ((link: Link<NodeToGateway, GatewayToNode>) => void) | { readonly link: Link<GatewayToNode, NodeToGateway> }) {
    let gatewayEnd: Link<GatewayToNode, NodeToGateway>
    let nodeEnd: Link<NodeToGateway, GatewayToNode> | null = null
    if (typeof acceptLink === 'function') [gatewayEnd, nodeEnd] = createInProcessLinkPair<GatewayToNode, NodeToGateway>()
    else gatewayEnd = acceptLink.link
    this.link = gatewayEnd
    gatewayEnd.onMessage((message) => {
      for (const waiter of this.#waiters) {
        if (!waiter.match(message)) continue
        this.#waiters.delete(waiter)
        waiter.resolve(message)
        return
      }
      this.inbox.push(message)
    })
    gatewayEnd.onClose((reason) => {
      this.closedReason = reason
      for (const resolve of this.#closeWaiters.splice(0)) resolve(reason)
    })
    if (typeof acceptLink === 'function' && nodeEnd !== null) acceptLink(nodeEnd)
  }

  /** Sends a command to the node. */
  send (message: GatewayToNode): void {
    this.link.send(message)
  }

  /** The next message of this type matching `where`, taken from the inbox or waited for. */
  async expect<K extends NodeToGateway['type']> (type: K, where: (message: Fact<K>) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<Fact<K>> {
    const match = (message: NodeToGateway): boolean => message.type === type && where(message as Fact<K>)
    const index = this.inbox.findIndex(match)
    if (index >= 0) return this.inbox.splice(index, 1)[0] as Fact<K>
    return await new Promise<Fact<K>>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (message) => {
          clearTimeout(timer)
          resolve(message as Fact<K>)
        }
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(new Error(`no ${type} matching ${where.toString()} within ${timeoutMs} ms; inbox: ${this.inbox.map((m) => m.type).join(', ')}`))
      }, timeoutMs)
      this.#waiters.add(waiter)
    })
  }

  /** True when a matching message is already in the inbox (for asserting absence after a later fact). */
  has<K extends NodeToGateway['type']> (type: K, where: (message: Fact<K>) => boolean = () => true): boolean {
    return this.inbox.some((message) => message.type === type && where(message as Fact<K>))
  }

  /** Resolves with the close reason. */
  async closed (timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    if (this.closedReason !== null) return this.closedReason
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`link not closed within ${timeoutMs} ms`)) }, timeoutMs)
      this.#closeWaiters.push((reason) => {
        clearTimeout(timer)
        resolve(reason)
      })
    })
  }

  /** Hello, and the Welcome. */
  async hello (version: string): Promise<Fact<typeof WorldFact.Welcome>> {
    this.send({ type: WorldCommand.Hello, gatewayId: toGatewayId(`gw-${randomUUID().slice(0, 8)}`), version })
    return await this.expect(WorldFact.Welcome)
  }

  /** Attaches a player and waits until the node confirms. */
  async attach (profile: PlayerProfile, viewDistance = 2): Promise<Fact<typeof WorldFact.PlayerAttached>> {
    this.send({ type: WorldCommand.AttachPlayer, profile, viewDistance })
    return await this.expect(WorldFact.PlayerAttached, (m) => m.playerId === profile.id)
  }
}

/** A profile with a fresh id. */
export function makeProfile (name: string, op = false): PlayerProfile {
  return { id: toPlayerId(randomUUID()), name, properties: [], op }
}

/** Player id helper for readability in tests. */
export type { PlayerId }
