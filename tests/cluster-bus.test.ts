import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { InProcessBus, RedisBus, type Bus } from '../shared/src/cluster/bus.ts'
import { createRedis, type Redis } from '../shared/src/cluster/redis-connection.ts'
import { startRedis } from './harness/redis.ts'

/** Rejects when the promise does not settle in time. */
async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms waiting for ${what}`)) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A handler that records what it gets and lets a test wait for the n-th message. */
function recorder (): { handler: (m: Uint8Array) => void, received: string[], until: (n: number, what: string) => Promise<string[]> } {
  const received: string[] = []
  const waiters: Array<{ n: number, resolve: (r: string[]) => void }> = []
  return {
    received,
    handler (message) {
      received.push(Buffer.from(message).toString())
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve(received)
    },
    async until (n, what) {
      if (received.length >= n) return received
      return await within(new Promise((resolve) => { waiters.push({ n, resolve }) }), 5000, what)
    }
  }
}

/** Two ends of the bus as two processes see it: [where tests publish, where they subscribe]. */
interface BusFixture { readonly name: string, pair (): [Bus, Bus] }

const redisConnections: Redis[] = []
let redisServer: Awaited<ReturnType<typeof startRedis>>
let pairs = 0
before(async () => { redisServer = await startRedis() })
after(async () => {
  for (const c of redisConnections) c.disconnect()
  await redisServer.stop()
})

/** A RedisBus on its own two connections, as one process would have it. */
function redisBus (prefix: string): RedisBus {
  const publisher = createRedis({ url: redisServer.url }, { connectionName: 'test:bus:pub' })
  const subscriber = createRedis({ url: redisServer.url }, { connectionName: 'test:bus:sub' })
  redisConnections.push(publisher, subscriber)
  return new RedisBus({ publisher, subscriber, prefix })
}

const fixtures: BusFixture[] = [
  {
    name: 'InProcessBus',
    pair () {
      const bus = new InProcessBus()
      return [bus, bus]
    }
  },
  {
    name: 'RedisBus',
    pair () {
      const prefix = `test:${pairs++}:`
      return [redisBus(prefix), redisBus(prefix)]
    }
  }
]

for (const fixture of fixtures) {
  void describe(`bus contract: ${fixture.name}`, () => {
    void test('a subscriber receives every message of its topic in publish order, bytes intact', async () => {
      const [pub, sub] = fixture.pair()
      const got = recorder()
      const unsubscribe = await sub.subscribe('chat', got.handler)
      await pub.publish('chat', 'hello ✓')
      await pub.publish('chat', Uint8Array.of(0xe2, 0x9c, 0x93))
      for (let i = 0; i < 100; i++) await pub.publish('chat', `m${i}`)
      const received = await got.until(102, 'all chat messages')
      assert.deepEqual(received, ['hello ✓', '✓', ...Array.from({ length: 100 }, (_, i) => `m${i}`)])
      await unsubscribe()
      await pub.close()
      await sub.close()
    })

    void test('every subscriber of a topic gets each message; other topics get nothing', async () => {
      const [pub, sub] = fixture.pair()
      const first = recorder()
      const second = recorder()
      const other = recorder()
      await sub.subscribe('player-list', first.handler)
      await sub.subscribe('player-list', second.handler)
      await sub.subscribe('time', other.handler)
      await pub.publish('player-list', 'join Steve')
      await pub.publish('time', 'tick 20')
      assert.deepEqual(await first.until(1, 'first'), ['join Steve'])
      assert.deepEqual(await second.until(1, 'second'), ['join Steve'])
      assert.deepEqual(await other.until(1, 'time'), ['tick 20'])
      await pub.close()
      await sub.close()
    })

    void test('after unsubscribe a handler gets nothing while others keep receiving', async () => {
      const [pub, sub] = fixture.pair()
      const leaving = recorder()
      const staying = recorder()
      const unsubscribe = await sub.subscribe('chat', leaving.handler)
      await sub.subscribe('chat', staying.handler)
      await pub.publish('chat', 'before')
      await leaving.until(1, 'the leaving handler')
      await unsubscribe()
      await pub.publish('chat', 'after')
      assert.deepEqual(await staying.until(2, 'the staying handler'), ['before', 'after'])
      assert.deepEqual(leaving.received, ['before'])
      await pub.close()
      await sub.close()
    })

    void test('a throwing handler does not keep others from their messages', async () => {
      const [pub, sub] = fixture.pair()
      const got = recorder()
      await sub.subscribe('chat', () => { throw new Error('handler bug') })
      await sub.subscribe('chat', got.handler)
      await pub.publish('chat', 'one')
      await pub.publish('chat', 'two')
      assert.deepEqual(await got.until(2, 'messages past the throwing handler'), ['one', 'two'])
      await pub.close()
      await sub.close()
    })

    void test('resubscribing after the last unsubscribe works', async () => {
      const [pub, sub] = fixture.pair()
      const first = recorder()
      const unsubscribe = await sub.subscribe('time', first.handler)
      await unsubscribe()
      const second = recorder()
      await sub.subscribe('time', second.handler)
      await pub.publish('time', 'x')
      assert.deepEqual(await second.until(1, 'the resubscribed handler'), ['x'])
      assert.deepEqual(first.received, [])
      await pub.close()
      await sub.close()
    })
  })
}

void describe('RedisBus across processes', () => {
  void test('a message published by one process reaches subscribers in another', async () => {
    const make = (): RedisBus => {
      const publisher = createRedis({ url: redisServer.url })
      const subscriber = createRedis({ url: redisServer.url })
      redisConnections.push(publisher, subscriber)
      return new RedisBus({ publisher, subscriber, prefix: 'test:cross:' })
    }
    const a = make()
    const b = make()
    const atB = recorder()
    const atA = recorder()
    await b.subscribe('chat', atB.handler)
    await a.subscribe('chat', atA.handler)
    const big = Buffer.alloc(1024 * 1024, 7)
    await a.publish('chat', 'from a')
    await a.publish('chat', big)
    const received = await atB.until(2, 'messages at b')
    assert.equal(received[0], 'from a')
    assert.equal(received[1]!.length, big.length)
    assert.deepEqual(await atA.until(2, 'messages at a'), received, 'the publisher hears itself too')
    await a.close()
    await b.close()
  })
})
