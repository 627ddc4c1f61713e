/**
 * Distributed mode: find every world-node through Redis membership (no static peer lists),
 * open an HMAC-authenticated TCP link to each, and reconnect while the node is still a member.
 */
import { connectLink } from '#shared/cluster/tcp-link.ts'
import { isNodeToGateway } from '#shared/cluster/frame-codec.ts'
import type { Member, RedisMembership } from '#shared/cluster/membership.ts'
import type { GatewayId } from '#shared/ids.ts'
import type { Logger } from '#shared/logger.ts'
import type { GatewayToNode, NodeToGateway } from '#shared/world-messages.ts'
import type { WorldLink } from './world-router.ts'

/** How often members without a link are retried. */
const RECONCILE_INTERVAL_MS = 1000

/** Options of discoverWorldNodes. */
export interface WorldDiscoveryOptions {
  readonly membership: RedisMembership
  readonly gatewayId: GatewayId
  readonly secret: string
  readonly log: Logger
}

/** Watches world-node members and reports a fresh link for each; stop() ends the watch. */
export async function discoverWorldNodes (options: WorldDiscoveryOptions, onLink: (link: WorldLink) => void): Promise<{ stop (): void }> {
  const { membership, log } = options
  const links = new Map<string, WorldLink>()
  const connecting = new Set<string>()
  let members: ReadonlyArray<Member<'world-node'>> = []
  let stopped = false

  const reconcile = (): void => {
    for (const member of members) {
      if (stopped || member.address === '' || connecting.has(member.id)) continue
      const existing = links.get(member.id)
      if (existing !== undefined && !existing.closed) continue
      const colon = member.address.lastIndexOf(':')
      const host = member.address.slice(0, colon)
      const port = Number(member.address.slice(colon + 1))
      connecting.add(member.id)
      connectLink<GatewayToNode, NodeToGateway>({ host, port, secret: options.secret, identity: `gateway:${options.gatewayId}`, isMessage: isNodeToGateway, log })
        .then((link) => {
          if (stopped) {
            link.close('gateway stopping')
            return
          }
          links.set(member.id, link)
          onLink(link)
        }, (err: unknown) => {
          log.warn({ err, node: member.id, address: member.address }, 'cannot link to world-node; will retry')
        })
        .finally(() => { connecting.delete(member.id) })
    }
  }

  const watch = await membership.watch('world-node', (change) => {
    members = change.members
    for (const gone of change.left) links.get(gone.id)?.close('world-node left the cluster')
    reconcile()
  })
  members = await membership.list('world-node')
  reconcile()
  const timer = setInterval(reconcile, RECONCILE_INTERVAL_MS)
  timer.unref()
  return {
    stop () {
      stopped = true
      clearInterval(timer)
      watch.stop().catch((err: unknown) => { log.warn({ err }, 'membership watch stop failed') })
      for (const link of links.values()) link.close('gateway stopping')
    }
  }
}
