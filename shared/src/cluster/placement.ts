/**
 * Which world-node should own a region: rendezvous (highest-random-weight) hashing over the
 * live node ids. Every process computes the same answer from the same member list with no
 * coordination, and a change of membership moves only the regions it must: a new node takes
 * about 1/n of the regions, a departed node's regions spread over the rest, and nothing else
 * moves. Placement says who should hold a region's lease; the lease (leases.ts) says who does.
 * Pure functions.
 */
import { hash } from 'node:crypto'
import type { NodeId, RegionId } from '../ids.ts'

/** The weight of a (region, node) pair: 48 bits of SHA-256 over both, as an exact integer. */
export function placementWeight (region: RegionId, node: NodeId): number {
  return Buffer.from(hash('sha256', `${region}\u0000${node}`, 'hex').slice(0, 12), 'hex').readUIntBE(0, 6)
}

/** Nodes in order of preference for the region: the owner first, then who takes over from it. */
export function rankNodes (region: RegionId, nodes: readonly NodeId[]): NodeId[] {
  return [...new Set(nodes)]
    .map((node) => ({ node, weight: placementWeight(region, node) }))
    .sort((a, b) => b.weight - a.weight || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map((entry) => entry.node)
}

/** The node that should own the region, or null when there are no nodes. */
export function placeRegion (region: RegionId, nodes: readonly NodeId[]): NodeId | null {
  let best: NodeId | null = null
  let bestWeight = -1
  for (const node of nodes) {
    const weight = placementWeight(region, node)
    if (weight > bestWeight || (weight === bestWeight && best !== null && node < best)) {
      best = node
      bestWeight = weight
    }
  }
  return best
}

/** The owner of each region, grouped by node (nodes owning nothing map to []). */
export function placeRegions (regions: readonly RegionId[], nodes: readonly NodeId[]): Map<NodeId, RegionId[]> {
  const out = new Map<NodeId, RegionId[]>(nodes.map((node) => [node, []]))
  for (const region of regions) {
    const owner = placeRegion(region, nodes)
    if (owner !== null) out.get(owner)!.push(region)
  }
  return out
}
