import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { createInProcessLinkPair } from '#shared/link.ts'
import type { GatewayToNode, NodeToGateway } from '#shared/world-messages.ts'
import { GatewayLinks } from './gateway-links.ts'
import { Subscriptions } from './subscriptions.ts'

const A = 'a' as PlayerId
const B = 'b' as PlayerId

void describe('subscriptions', () => {
  const links = new GatewayLinks()
  const one = links.add(createInProcessLinkPair<NodeToGateway, GatewayToNode>()[0])
  const two = links.add(createInProcessLinkPair<NodeToGateway, GatewayToNode>()[0])

  void it('lists a link once however many of its players watch the chunk', () => {
    const subs = new Subscriptions()
    assert.equal(subs.add(one, A, chunkKey(0, 0)), true)
    assert.equal(subs.add(one, A, chunkKey(0, 0)), false)
    subs.add(one, B, chunkKey(0, 0))
    subs.add(two, A, chunkKey(1, 0))
    assert.deepEqual([...subs.linksFor(chunkKey(0, 0))], [one])
    assert.deepEqual([...subs.linksForEither(chunkKey(0, 0), chunkKey(1, 0))], [one, two])
  })

  void it('forgets a chunk when its last subscriber leaves', () => {
    const subs = new Subscriptions()
    subs.add(one, A, chunkKey(0, 0))
    subs.add(two, B, chunkKey(0, 0))
    subs.removePlayer(one, A)
    assert.equal(subs.isWatched(chunkKey(0, 0)), true)
    subs.removeConnection(two)
    assert.equal(subs.isWatched(chunkKey(0, 0)), false)
    assert.equal(subs.has(two, B, chunkKey(0, 0)), false)
  })
})
