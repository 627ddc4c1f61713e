/**
 * `npm run bench:handoff`: handoff latency and the input stall a player sees. Starts a Redis and
 * `npm run cluster` (region size 1) on free ports, joins a bot, finds a chunk border between
 * regions of two different world-nodes, and crosses it back and forth N times at walking pace.
 * Prints the gateway's handoff figures (TransferRequested → CompleteTransfer: the span during
 * which the player's input is buffered, i.e. the stall) and checks that the bot's inventory and
 * its single entity survived every crossing.
 *
 *   npm run bench:handoff -- --crossings 1000 --interval 60
 */
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { Vec3 } from 'vec3'
import { joinBot, quitBot } from '../../tests/harness/bots.ts'
import { freePortRange } from '../../tests/harness/free-port.ts'
import { redisCommand, startRedis } from '../../tests/harness/redis.ts'
import { waitForEvent, waitUntil } from '../../tests/harness/wait.ts'

const { values } = parseArgs({ options: { crossings: { type: 'string', default: '200' }, interval: { type: 'string', default: '100' } } })
const crossings = Number(values.crossings)
const intervalMs = Number(values.interval)
if (!Number.isInteger(crossings) || crossings < 1 || crossings > 100_000 || !(intervalMs >= 10 && intervalMs <= 10_000)) {
  console.error('usage: npm run bench:handoff -- [--crossings 1..100000] [--interval 10..10000 ms]')
  process.exit(2)
}

const redis = await startRedis()
const base = await freePortRange(12)
let log = ''
const cluster = spawn(process.execPath, ['scripts/cluster/main.ts'], {
  env: {
    ...process.env,
    TESSERA_REDIS_URL: redis.url,
    WORLD_REGION_SIZE: '1',
    WORLD_VIEW_DISTANCE: '3',
    CLUSTER_GATEWAY_PORT: String(base),
    CLUSTER_AUTH_PORT: String(base + 2),
    CLUSTER_PORT_OFFSET: String(base + 4 - 25601),
    CLUSTER_METRICS_PORT: String(base + 7),
    // Three world-nodes put gateway-1's /metrics on base + 7 + 3.
    CLUSTER_WORLD_NODES: '3',
    GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '0',
    TESSERA_LOG_LEVEL: 'warn'
  },
  stdio: ['ignore', 'pipe', 'pipe']
})
cluster.stdout.on('data', (d: Buffer) => { log += d.toString() })
cluster.stderr.on('data', (d: Buffer) => { log += d.toString() })

async function gatewayMetric (name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${base + 10}/metrics`)).text()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const [key, value] = line.split(' ')
    out.set(key!, Number(value))
  }
  return out
}

async function ownerOf (cx: number): Promise<string | undefined> {
  return /\r\n(.+)\r\n$/.exec(await redisCommand(redis.port, `GET tessera:{r.${cx}.0}:lease`))?.[1]
}

try {
  await waitUntil('the cluster is ready', () => {
    if (cluster.exitCode !== null) throw new Error(`cluster exited:\n${log.slice(-3000)}`)
    return log.includes('[cluster] ready')
  }, 90_000)
  const walker = await joinBot({ port: base, username: 'Walker' }, 60_000)
  const watcher = await joinBot({ port: base + 1, username: 'Watcher' }, 60_000)
  await waitUntil('the walker\'s view is loaded', () => walker.blockAt(new Vec3(40, 64, 0)) !== null, 30_000)
  // A border between two chunks (regions) of different nodes, near spawn.
  let border: number | undefined
  for (let cx = 0; cx < 3 && border === undefined; cx++) {
    const [a, b] = [await ownerOf(cx), await ownerOf(cx + 1)]
    if (a !== undefined && b !== undefined && a !== b) border = (cx + 1) * 16
  }
  if (border === undefined) throw new Error('no border between two nodes near spawn')
  const ground = (x: number): number => {
    for (let y = 200; y > -64; y--) if (walker.blockAt(new Vec3(x, y, 0))?.boundingBox === 'block') return y + 1
    throw new Error('no ground')
  }
  // Carry something known across the border: dig the block under the spawn point.
  const under = walker.entity.position.floored().offset(0, -1, 0)
  await walker.dig(walker.blockAt(under)!)
  await waitUntil('the walker carries the drop', () => walker.inventory.items().length > 0, 5000)
  walker.physicsEnabled = false
  const inventoryBefore = JSON.stringify(walker.inventory.items().map((i) => [i.name, i.count]))
  let respawns = 0
  let teleports = 0
  walker._client.on('respawn', () => { respawns++ })
  walker._client.on('position', () => { teleports++ })
  const sides = [border - 0.5, border + 0.5]
  // Walk up to the border at walking pace (the world-node refuses jumps of more than 10 blocks).
  for (let x = walker.entity.position.x; x < sides[0]!; x = Math.min(sides[0]!, x + 0.5)) {
    const y = ground(Math.floor(x))
    walker.entity.position.set(x, y, 0.5)
    walker._client.write('position', { x, y, z: 0.5, flags: { onGround: true, hasHorizontalCollision: false } })
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  teleports = 0
  const started = performance.now()
  for (let i = 0; i < crossings; i++) {
    const x = sides[(i + 1) % 2]!
    const y = Math.max(ground(Math.floor(sides[0]!)), ground(Math.floor(sides[1]!)))
    walker.entity.position.set(x, y, 0.5)
    walker._client.write('position', { x, y, z: 0.5, flags: { onGround: true, hasHorizontalCollision: false } })
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  const elapsed = (performance.now() - started) / 1000
  const finalX = sides[crossings % 2]!
  await waitUntil('the watcher sees the walker where it stopped', () => {
    const seen = Object.values(watcher.entities).find((e) => e.username === 'Walker')
    return seen !== undefined && Math.abs(seen.position.x - finalX) < 0.1
  }, 10_000)
  const counts = await gatewayMetric('tessera_handoffs_total')
  const latency = await gatewayMetric('tessera_handoff_ms')
  const completed = counts.get('tessera_handoffs_total{result="completed"}') ?? 0
  const aborted = counts.get('tessera_handoffs_total{result="aborted"}') ?? 0
  const entities = Object.values(watcher.entities).filter((e) => e.username === 'Walker').length
  const inventoryAfter = JSON.stringify(walker.inventory.items().map((i) => [i.name, i.count]))
  const result = {
    crossings,
    seconds: Number(elapsed.toFixed(1)),
    handoffsCompleted: completed,
    handoffsAborted: aborted,
    handoffsPerSecond: Number((completed / elapsed).toFixed(1)),
    latencyMsP50: latency.get('tessera_handoff_ms{quantile="0.5"}'),
    latencyMsP99: latency.get('tessera_handoff_ms{quantile="0.99"}'),
    latencyMsMax: latency.get('tessera_handoff_ms{quantile="1"}'),
    respawns,
    teleportsBack: teleports,
    walkerEntitiesSeenByWatcher: entities,
    inventoryUnchanged: inventoryBefore === inventoryAfter
  }
  console.log(`handoff bench: ${crossings} crossings of the border at x=${border} in ${result.seconds} s`)
  console.log(`  completed ${completed}, aborted ${aborted} (${result.handoffsPerSecond}/s)`)
  console.log(`  latency = input stall: p50 ${result.latencyMsP50?.toFixed(1)} ms, p99 ${result.latencyMsP99?.toFixed(1)} ms, max ${result.latencyMsMax?.toFixed(1)} ms`)
  console.log(`  respawns ${respawns}, teleports back ${teleports}, walker entities seen by the watcher ${entities}, inventory unchanged ${result.inventoryUnchanged}`)
  console.log(JSON.stringify(result))
  await quitBot(walker)
  await quitBot(watcher)
} finally {
  const exited = waitForEvent(cluster, 'exit', 40_000).catch(() => {})
  cluster.kill('SIGTERM')
  await exited
  await redis.stop()
}
