/**
 * Microbenchmark: movement packets per second through a gateway. The whole system (auth,
 * world-node, gateway) runs in this process; one client joins, then sends position packets for
 * a walk back and forth inside one chunk, pre-encoded and written in bursts of 2000, each burst closed by a
 * play-state ping_request: the ping_response proves the gateway decoded and handled every move
 * before it (and forwarded it to the world-node). Prints packets per second of gateway time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mc from 'minecraft-protocol'
import { createLogger } from '#shared/logger.ts'
import { readEmbeddedConfig } from '../../../embedded/config.ts'
import { startEmbedded } from '../../../embedded/create-embedded.ts'
import { createProtocolCodec } from '../../loadtest/protocol-codec.ts'
import { freePort } from '../../../tests/harness/free-port.ts'
import { report } from './measure.ts'

const VERSION = '1.21.4'
const BURST = 2000

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-micro-'))
const port = await freePort()
const system = await startEmbedded(readEmbeddedConfig({
  GATEWAY_PORT: String(port),
  GATEWAY_HOST: '127.0.0.1',
  TESSERA_DATA_DIR: dataDir,
  TESSERA_METRICS_PORT: '0',
  WORLD_VIEW_DISTANCE: '4',
  GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '0',
  // The benchmark floods on purpose; the per-client packet limit would disconnect it.
  GATEWAY_MAX_PACKETS_PER_SECOND: '0'
}), createLogger('micro', { level: 'error' }))

const client = mc.createClient({ host: '127.0.0.1', port, username: 'Walker', version: VERSION, auth: 'offline', hideErrors: true })
const spawn = await new Promise<{ x: number, y: number, z: number }>((resolve, reject) => {
  client.once('error', reject)
  client.once('end', (reason) => { reject(new Error(`disconnected: ${reason}`)) })
  client.on('position', (p: { teleportId: number, x: number, y: number, z: number }) => {
    client.write('teleport_confirm', { teleportId: p.teleportId })
    resolve({ x: p.x, y: p.y, z: p.z })
  })
})
await new Promise((resolve) => setTimeout(resolve, 2000)) // let the initial chunks go out

const codec = createProtocolCodec(VERSION)
const threshold = (client as unknown as { compressionThreshold: number }).compressionThreshold
/** A frame as the client would send it (these packets are all under the compression threshold). */
function framed (name: string, params: unknown): Buffer {
  const body = codec.encode('play', name, params)
  const prefix = threshold >= 0 ? Buffer.from([0]) : Buffer.alloc(0)
  const length = body.length + prefix.length
  if (length > 127) throw new Error('frame too long for a one-byte length')
  return Buffer.concat([Buffer.from([length]), prefix, body])
}
// Walk 4 blocks out and back inside the spawn chunk: a player crosses a chunk border every few
// seconds, not every 20 packets, and each crossing moves the whole view (measured elsewhere).
const startX = Math.floor(spawn.x / 16) * 16 + 6
const moves: Buffer[] = []
for (let i = 0; i < BURST; i++) {
  const dx = (i % 40 < 20 ? i % 20 : 20 - (i % 20)) * 0.2
  moves.push(framed('position', { x: startX + dx, y: spawn.y, z: spawn.z, flags: { onGround: true } }))
}
const burst = Buffer.concat(moves)

// The world-node closes a gateway link that queues more than 10 000 commands in one tick, so
// each burst waits for the next tick; only the time from writing a burst to its ping_response
// is counted (the gateway's decode, handler and forward to the world for 2000 moves).
let pingId = 0n
async function oneBurst (): Promise<number> {
  const id = ++pingId
  const answered = new Promise<void>((resolve) => {
    const onPong = (p: { id: bigint | [number, number] }): void => {
      const got = typeof p.id === 'bigint' ? p.id : (BigInt(p.id[0]) << 32n) | BigInt(p.id[1] >>> 0)
      if (got !== id) return
      client.removeListener('ping_response', onPong)
      resolve()
    }
    client.on('ping_response', onPong)
  })
  const start = performance.now()
  client.socket.write(Buffer.concat([burst, framed('ping_request', { id })]))
  await answered
  return performance.now() - start
}
const seconds = Number(process.env.MICRO_SECONDS ?? 3)
let busyMs = 0
let bursts = 0
for (let warm = 0; warm < 10; warm++) { await oneBurst(); await new Promise((resolve) => setTimeout(resolve, 60)) }
const began = performance.now()
while (performance.now() - began < seconds * 1000) {
  busyMs += await oneBurst()
  bursts++
  await new Promise((resolve) => setTimeout(resolve, 60))
}
const session = [...system.gateway.context.players.sessions()][0]
report({ name: 'walking player through a gateway', unit: 'packets', ops: bursts * BURST, seconds: busyMs / 1000, opsPerSecond: bursts * BURST / (busyMs / 1000) },
  `${bursts} bursts of ${BURST} position packets, ${(busyMs / bursts).toFixed(1)} ms each from write to ping_response; player ${session === undefined ? 'gone' : `still at ${session.x.toFixed(1)},${session.z.toFixed(1)}`}`)

client.end('done')
await system.stop()
rmSync(dataDir, { recursive: true, force: true })
