import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { applyInOrder, LogSequenceError, RedisRegionLeases, RedisRegionLog, type LogEntry } from '../shared/src/cluster/leases.ts'
import { createRedis, type Redis } from '../shared/src/cluster/redis-connection.ts'
import { hasCode } from '../shared/src/errors.ts'
import { toNodeId, type RegionId } from '../shared/src/ids.ts'
import { startRedis } from './harness/redis.ts'

const nodeA = toNodeId('node-a')
const nodeB = toNodeId('node-b')
let server: Awaited<ReturnType<typeof startRedis>>
let redis: Redis
let leases: RedisRegionLeases
let log: RedisRegionLog
let regionCounter = 0

/** A region no other test touches. */
function freshRegion (): RegionId {
  return `r.${regionCounter++}.0` as RegionId
}

const stale = (err: unknown): boolean => hasCode(err, 'WN_STALE_EPOCH')
const text = (entries: readonly LogEntry[]): string[] => entries.map((e) => e.data.toString())

/** Waits, in bounded polls of Redis's own view, until the lease key has expired. */
async function untilExpired (region: RegionId, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (await leases.holder(region) !== null) {
    if (Date.now() > deadline) throw new Error(`lease of ${region} did not expire within ${timeoutMs} ms`)
    await new Promise((resolve) => { setTimeout(resolve, 10) })
  }
}

before(async () => {
  server = await startRedis()
  redis = createRedis({ url: server.url }, { connectionName: 'test:leases' })
  leases = new RedisRegionLeases(redis, { prefix: 'test:' })
  log = new RedisRegionLog(redis, { prefix: 'test:' })
})

after(async () => {
  redis.disconnect()
  await server.stop()
})

void describe('region leases', () => {
  void test('every grant increments the epoch, re-grants to the same node included', async () => {
    const region = freshRegion()
    const first = await leases.acquire(region, nodeA, 10_000)
    assert.deepEqual(first, { epoch: 1 })
    assert.deepEqual(await leases.acquire(region, nodeA, 10_000), { epoch: 2 }, 'a restarted node gets a new epoch')
    assert.equal(await leases.acquire(region, nodeB, 10_000), null, 'a held lease is not granted to another node')
    assert.ok(await leases.release(region, nodeA, 2))
    assert.deepEqual(await leases.acquire(region, nodeB, 10_000), { epoch: 3 })
    const holder = await leases.holder(region)
    assert.equal(holder?.nodeId, nodeB)
    assert.equal(holder?.epoch, 3)
    assert.ok(holder.ttlMs > 0 && holder.ttlMs <= 10_000)
  })

  void test('renew and release work only for the holder at its current epoch', async () => {
    const region = freshRegion()
    const { epoch } = (await leases.acquire(region, nodeA, 5_000))!
    assert.equal(await leases.renew(region, nodeA, epoch, 20_000), true)
    assert.ok((await leases.holder(region))!.ttlMs > 5_000, 'renew extended the ttl')
    assert.equal(await leases.renew(region, nodeB, epoch, 20_000), false)
    assert.equal(await leases.renew(region, nodeA, epoch - 1, 20_000), false)
    assert.equal(await leases.release(region, nodeB, epoch), false)
    assert.equal(await leases.release(region, nodeA, epoch + 1), false)
    assert.equal(await leases.release(region, nodeA, epoch), true)
    assert.equal(await leases.holder(region), null)
    assert.equal(await leases.renew(region, nodeA, epoch, 20_000), false, 'a released lease cannot be renewed')
  })

  void test('a stale-epoch write is refused, even from the same node', async () => {
    const region = freshRegion()
    const old = (await leases.acquire(region, nodeA, 10_000))!
    await log.append(region, nodeA, old.epoch, [{ seq: 1, data: 'one' }])
    const current = (await leases.acquire(region, nodeA, 10_000))!
    await assert.rejects(log.append(region, nodeA, old.epoch, [{ seq: 2, data: 'stale' }]), stale)
    await assert.rejects(log.writeSnapshot(region, nodeA, old.epoch, { seq: 1, data: 'stale' }), stale)
    await log.append(region, nodeA, current.epoch, [{ seq: 2, data: 'two' }])
    assert.deepEqual(text(await log.readLog(region, 0)), ['one', 'two'])
  })

  void test('an expired lease goes to another node and the old owner can no longer write', async () => {
    const region = freshRegion()
    const a = (await leases.acquire(region, nodeA, 150))!
    await log.append(region, nodeA, a.epoch, [{ seq: 1, data: 'a1' }])
    assert.equal(await leases.acquire(region, nodeB, 10_000), null)
    await untilExpired(region, 5_000)
    await assert.rejects(log.append(region, nodeA, a.epoch, [{ seq: 2, data: 'a2 after expiry' }]), stale, 'an expired lease fences its owner even before anyone takes over')
    assert.equal(await leases.renew(region, nodeA, a.epoch, 10_000), false)
    const b = (await leases.acquire(region, nodeB, 10_000))!
    assert.equal(b.epoch, a.epoch + 1)
    await log.append(region, nodeB, b.epoch, [{ seq: 2, data: 'b2' }])
    await assert.rejects(log.append(region, nodeA, a.epoch, [{ seq: 3, data: 'a3' }]), (err) => {
      assert.ok(stale(err))
      assert.match((err as Error).message, /node-a at epoch 1; lease held by node-b, epoch is 2/)
      return true
    })
    assert.deepEqual(text(await log.readLog(region, 0)), ['a1', 'b2'])
  })

  void test('a grant that the required replicas do not acknowledge is not reported (standalone has none)', async () => {
    const region = freshRegion()
    const strict = new RedisRegionLeases(redis, { prefix: 'test:', minReplicas: 1, replicaWaitMs: 50 })
    assert.equal(await strict.acquire(region, nodeA, 10_000), null)
    assert.equal(await leases.holder(region), null, 'the unacknowledged grant was released')
  })
})

void describe('region log', () => {
  void test('appends are idempotent by sequence number', async () => {
    const region = freshRegion()
    const { epoch } = (await leases.acquire(region, nodeA, 10_000))!
    assert.deepEqual(await log.append(region, nodeA, epoch, [1, 2, 3].map((seq) => ({ seq, data: `e${seq}` }))), { appended: 3, duplicates: 0 })
    assert.deepEqual(await log.append(region, nodeA, epoch, [2, 3, 4].map((seq) => ({ seq, data: `retry${seq}` }))), { appended: 1, duplicates: 2 })
    assert.deepEqual(await log.append(region, nodeA, epoch, [{ seq: 4, data: 'again' }]), { appended: 0, duplicates: 1 })
    assert.deepEqual(text(await log.readLog(region, 0)), ['e1', 'e2', 'e3', 'retry4'])
    assert.equal(await log.lastSeq(region), 4)
    assert.deepEqual((await log.readLog(region, 2)).map((e) => e.seq), [3, 4])
    assert.ok((await log.readLog(region, 0)).every((e) => e.epoch === epoch))
  })

  void test('gaps are refused, in a batch and against the log', async () => {
    const region = freshRegion()
    const { epoch } = (await leases.acquire(region, nodeA, 10_000))!
    await assert.rejects(log.append(region, nodeA, epoch, [{ seq: 2, data: 'x' }]), LogSequenceError)
    await assert.rejects(log.append(region, nodeA, epoch, [{ seq: 1, data: 'x' }, { seq: 3, data: 'y' }]), LogSequenceError)
    assert.equal(await log.lastSeq(region), 0)
  })

  void test('binary entries and snapshots keep every byte', async () => {
    const region = freshRegion()
    const { epoch } = (await leases.acquire(region, nodeA, 10_000))!
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff)
    await log.append(region, nodeA, epoch, [{ seq: 1, data: bytes }])
    assert.deepEqual(new Uint8Array((await log.readLog(region, 0))[0]!.data), bytes)
    await log.writeSnapshot(region, nodeA, epoch, { seq: 1, data: bytes.subarray(10, 20) })
    assert.deepEqual(new Uint8Array((await log.readSnapshot(region))!.data), bytes.subarray(10, 20))
  })

  void test('a snapshot compacts the log, and replay from snapshot + log is idempotent', async () => {
    const region = freshRegion()
    const { epoch } = (await leases.acquire(region, nodeA, 10_000))!
    // The region state here is a list of block writes; each entry adds one.
    await log.append(region, nodeA, epoch, [1, 2, 3, 4, 5].map((seq) => ({ seq, data: `block${seq}` })))
    assert.deepEqual(await log.writeSnapshot(region, nodeA, epoch, { seq: 3, data: JSON.stringify(['block1', 'block2', 'block3']) }), { trimmed: 3 })
    await log.append(region, nodeA, epoch, [{ seq: 6, data: 'block6' }])
    await assert.rejects(log.writeSnapshot(region, nodeA, epoch, { seq: 9, data: '[]' }), LogSequenceError, 'a snapshot cannot cover unlogged entries')
    await assert.rejects(log.writeSnapshot(region, nodeA, epoch, { seq: 2, data: '[]' }), LogSequenceError, 'a snapshot cannot go back')

    const takeover = (await leases.acquire(region, nodeB, 10_000))
    assert.equal(takeover, null, 'still held by A')
    assert.ok(await leases.release(region, nodeA, epoch))
    const b = (await leases.acquire(region, nodeB, 10_000))!
    const history = await log.history(region)
    assert.equal(history.snapshot?.seq, 3)
    assert.deepEqual(history.entries.map((e) => e.seq), [4, 5, 6])

    const state: string[] = JSON.parse(history.snapshot.data.toString()) as string[]
    let applied = applyInOrder(history.entries, history.snapshot.seq, (e) => { state.push(e.data.toString()) })
    applied = applyInOrder(history.entries, applied, (e) => { state.push(e.data.toString()) })
    applied = applyInOrder((await log.history(region)).entries, applied, (e) => { state.push(e.data.toString()) })
    assert.deepEqual(state, ['block1', 'block2', 'block3', 'block4', 'block5', 'block6'], 'replaying again applies nothing twice')
    assert.equal(applied, 6)

    // B continues the sequence; A's retry of an old batch is fenced, not deduplicated into B's log.
    await log.append(region, nodeB, b.epoch, [{ seq: 7, data: 'block7' }])
    await assert.rejects(log.append(region, nodeA, epoch, [{ seq: 7, data: 'A-block7' }]), stale)
    assert.throws(() => applyInOrder([{ seq: 9, epoch: 1, data: Buffer.alloc(0) }], 7, () => {}), LogSequenceError)
  })

  void test('history reads long logs page by page', async () => {
    const region = freshRegion()
    const { epoch } = (await leases.acquire(region, nodeA, 10_000))!
    const entries = Array.from({ length: 2500 }, (_, i) => ({ seq: i + 1, data: String(i + 1) }))
    await log.append(region, nodeA, epoch, entries)
    const history = await log.history(region)
    assert.equal(history.snapshot, null)
    assert.equal(history.entries.length, 2500)
    assert.equal(applyInOrder(history.entries, 0, () => {}), 2500)
  })
})
