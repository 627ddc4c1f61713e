import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { regionOfChunk } from '../coords.ts'
import { toNodeId, type NodeId, type RegionId } from '../ids.ts'
import { placeRegion, placeRegions, rankNodes } from './placement.ts'

/** 4096 regions: a 64 × 64 square around the origin. */
const regions: RegionId[] = []
for (let x = -32; x < 32; x++) for (let z = -32; z < 32; z++) regions.push(regionOfChunk(x, z, 1))

const nodes = (...ids: string[]): NodeId[] => ids.map(toNodeId)

function owners (list: readonly NodeId[]): Map<RegionId, NodeId | null> {
  return new Map(regions.map((r) => [r, placeRegion(r, list)]))
}

function moved (before: Map<RegionId, NodeId | null>, after: Map<RegionId, NodeId | null>): RegionId[] {
  return regions.filter((r) => before.get(r) !== after.get(r))
}

void describe('rendezvous placement', () => {
  void test('regions spread evenly over the nodes', () => {
    const byNode = placeRegions(regions, nodes('node-1', 'node-2', 'node-3'))
    for (const [node, owned] of byNode) {
      const share = owned.length / regions.length
      assert.ok(share > 0.3 && share < 0.37, `${node} owns ${(share * 100).toFixed(1)}%`)
    }
  })

  void test('adding a 4th node moves about a quarter of the regions, all to it', () => {
    const before = owners(nodes('node-1', 'node-2', 'node-3'))
    const after = owners(nodes('node-1', 'node-2', 'node-3', 'node-4'))
    const changed = moved(before, after)
    const share = changed.length / regions.length
    assert.ok(share > 0.22 && share < 0.28, `${(share * 100).toFixed(1)}% moved`)
    assert.ok(changed.every((r) => after.get(r) === 'node-4'), 'nothing moves between the old nodes')
  })

  void test('removing a node moves only its regions', () => {
    const before = owners(nodes('node-1', 'node-2', 'node-3', 'node-4'))
    const after = owners(nodes('node-1', 'node-2', 'node-4'))
    const changed = moved(before, after)
    assert.deepEqual(new Set(changed.map((r) => before.get(r))), new Set(['node-3']))
    assert.equal(changed.length, regions.filter((r) => before.get(r) === 'node-3').length)
  })

  void test('the answer ignores the order of the member list', () => {
    assert.deepEqual(owners(nodes('a', 'b', 'c')), owners(nodes('c', 'a', 'b')))
  })

  void test('the ranking puts the owner first and its successor second', () => {
    const all = nodes('node-1', 'node-2', 'node-3', 'node-4')
    for (const region of regions.slice(0, 200)) {
      const ranked = rankNodes(region, all)
      assert.equal(ranked[0], placeRegion(region, all))
      assert.equal(ranked[1], placeRegion(region, all.filter((n) => n !== ranked[0])), 'draining the owner hands the region to the runner-up')
      assert.equal(ranked.length, 4)
    }
  })

  void test('no nodes, no owner', () => {
    assert.equal(placeRegion(regions[0]!, []), null)
    assert.deepEqual(rankNodes(regions[0]!, []), [])
  })
})
