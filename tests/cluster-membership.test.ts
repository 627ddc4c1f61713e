import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { RedisBus } from '../shared/src/cluster/bus.ts'
import { RedisMembership, type MembershipChange, type MemberRole } from '../shared/src/cluster/membership.ts'
import { createRedis, type Redis } from '../shared/src/cluster/redis-connection.ts'
import { toGatewayId, toNodeId } from '../shared/src/ids.ts'
import { startRedis } from './harness/redis.ts'

let server: Awaited<ReturnType<typeof startRedis>>
const connections: Redis[] = []
let prefixes = 0

before(async () => { server = await startRedis() })
after(async () => {
  for (const c of connections) c.disconnect()
  await server.stop()
})

function connection (): Redis {
  const redis = createRedis({ url: server.url })
  connections.push(redis)
  return redis
}

/** A membership client as one process would have it, on a key prefix no other test uses. */
function membership (prefix: string, options: { ttlMs?: number, heartbeatIntervalMs?: number, pollIntervalMs?: number, bus?: boolean } = {}): RedisMembership {
  const bus = options.bus === false ? undefined : new RedisBus({ publisher: connection(), subscriber: connection(), prefix: `${prefix}bus:` })
  return new RedisMembership({
    redis: connection(),
    prefix,
    ...(bus === undefined ? {} : { bus }),
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs })
  })
}

/** Records watch callbacks and lets a test wait, bounded, for one that matches. */
function changes<R extends MemberRole> (): { onChange: (c: MembershipChange<R>) => void, next: (what: string, match: (c: MembershipChange<R>) => boolean, ms?: number) => Promise<MembershipChange<R>> } {
  const seen: Array<MembershipChange<R>> = []
  const waiters: Array<{ match: (c: MembershipChange<R>) => boolean, resolve: (c: MembershipChange<R>) => void }> = []
  return {
    onChange (change) {
      seen.push(change)
      for (const w of [...waiters]) {
        if (w.match(change)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(change)
        }
      }
    },
    async next (what, match, ms = 5000) {
      const done = seen.find(match)
      if (done !== undefined) {
        seen.splice(seen.indexOf(done), 1)
        return done
      }
      let timer: NodeJS.Timeout | undefined
      try {
        return await Promise.race([
          new Promise<MembershipChange<R>>((resolve) => { waiters.push({ match, resolve }) }),
          new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out waiting for ${what}`)) }, ms) })
        ])
      } finally {
        clearTimeout(timer)
      }
    }
  }
}

const ids = (members: ReadonlyArray<{ id: string }>): string[] => members.map((m) => m.id)

void describe('membership', () => {
  void test('registered members are listed with their address, per role', async () => {
    const prefix = `test:m${prefixes++}:`
    const a = membership(prefix)
    const b = membership(prefix)
    const node1 = await a.register('world-node', toNodeId('node-1'), '10.0.0.1:7000')
    const node2 = await b.register('world-node', toNodeId('node-2'), '10.0.0.2:7000')
    const gateway = await b.register('gateway', toGatewayId('gw-1'))
    const listed = await a.list('world-node')
    assert.deepEqual(listed.map((m) => [m.id, m.address]), [['node-1', '10.0.0.1:7000'], ['node-2', '10.0.0.2:7000']])
    assert.deepEqual(ids(await a.list('gateway')), ['gw-1'])
    await node2.stop()
    assert.deepEqual(ids(await a.list('world-node')), ['node-1'], 'stop() leaves at once')
    await node1.stop()
    await gateway.stop()
  })

  void test('watchers hear joins and graceful leaves through the bus, without waiting for a poll', async () => {
    const prefix = `test:m${prefixes++}:`
    const watcher = membership(prefix, { pollIntervalMs: 60_000 })
    const member = membership(prefix)
    const seen = changes<'world-node'>()
    const watch = await watcher.watch('world-node', seen.onChange)
    assert.deepEqual(ids((await seen.next('the initial list', () => true)).members), [])
    const registration = await member.register('world-node', toNodeId('node-7'), 'n7:7000')
    const joined = await seen.next('node-7 to join', (c) => ids(c.joined).includes('node-7'))
    assert.deepEqual(ids(joined.members), ['node-7'])
    await registration.stop()
    const left = await seen.next('node-7 to leave', (c) => ids(c.left).includes('node-7'))
    assert.deepEqual(left.members, [])
    await watch.stop()
  })

  void test('a member that stops heartbeating (a crash) is dropped within ttl + poll interval', async () => {
    const prefix = `test:m${prefixes++}:`
    const watcher = membership(prefix, { ttlMs: 300, pollIntervalMs: 50 })
    const crashing = membership(prefix, { ttlMs: 300 })
    const seen = changes<'world-node'>()
    const watch = await watcher.watch('world-node', seen.onChange)
    assert.equal(await crashing.heartbeat('world-node', toNodeId('node-9'), 'n9:7000'), true, 'the first heartbeat is a join')
    await seen.next('node-9 to join', (c) => ids(c.joined).includes('node-9'))
    const started = Date.now()
    await seen.next('node-9 to be dropped', (c) => ids(c.left).includes('node-9'), 3000)
    assert.ok(Date.now() - started < 300 + 50 + 500, `dropped after ${Date.now() - started} ms`)
    assert.equal(await crashing.heartbeat('world-node', toNodeId('node-9'), 'n9:7000'), true, 'coming back after expiry is a join again')
    await watch.stop()
  })

  void test('heartbeats keep a member live past its ttl', async () => {
    const prefix = `test:m${prefixes++}:`
    const members = membership(prefix, { ttlMs: 300, heartbeatIntervalMs: 50 })
    const registration = await members.register('gateway', toGatewayId('gw-2'))
    const firstExpiry = (await members.list('gateway'))[0]!.expiresAt
    const deadline = Date.now() + 3000
    let latest = firstExpiry
    while (latest < firstExpiry + 300) {
      assert.ok(Date.now() < deadline, 'the expiry never moved a full ttl ahead')
      const listed = await members.list('gateway')
      assert.deepEqual(ids(listed), ['gw-2'], 'still live')
      latest = listed[0]!.expiresAt
      await new Promise((resolve) => { setTimeout(resolve, 20) })
    }
    assert.equal(await members.heartbeat('gateway', toGatewayId('gw-2')), false, 'a heartbeat of a live member is not a join')
    await registration.stop()
  })

  void test('without a bus, polling alone reports joins', async () => {
    const prefix = `test:m${prefixes++}:`
    const watcher = membership(prefix, { pollIntervalMs: 50, bus: false })
    const member = membership(prefix, { bus: false })
    const seen = changes<'gateway'>()
    const watch = await watcher.watch('gateway', seen.onChange)
    const registration = await member.register('gateway', toGatewayId('gw-3'))
    await seen.next('gw-3 to join by polling', (c) => ids(c.joined).includes('gw-3'))
    await registration.stop()
    await seen.next('gw-3 to leave by polling', (c) => ids(c.left).includes('gw-3'))
    await watch.stop()
  })
})
