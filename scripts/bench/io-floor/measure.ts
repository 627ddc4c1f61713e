/**
 * One step of bench:floor: N clients against a fresh io-floor server, which is measured. Its
 * CPU-seconds per bot-minute are the floor under any Node.js server's figure at the same load.
 */
import net from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../../tests/harness/free-port.ts'
import { measureProcessTree, startServer } from '../server-process.ts'

/** A Set Player Position frame: length, id, three doubles and the flags byte. */
export const MOVE_BYTES = 28
const MOVES_PER_SECOND = 20

/** What one step measured. */
export interface FloorStep {
  readonly bots: number
  readonly cpuSecondsPerBotMinute: number
  /** Bytes the server read from the clients over the whole step (warm-up included). */
  readonly bytesRead: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `bots` clients for warm-up plus duration seconds; measures the server over the duration. */
export async function measureIoFloor (bots: number, durationS: number, warmupS: number): Promise<FloorStep> {
  const port = await freePort()
  const server = await startServer({
    name: 'io-floor',
    command: process.execPath,
    args: [join(dirname(fileURLToPath(import.meta.url)), 'server.ts'), String(port)],
    env: {},
    cwd: process.cwd(),
    port,
    metricsUrl: null
  }, 30_000)
  const sockets: net.Socket[] = []
  let cpuSeconds = 0
  try {
    for (let i = 0; i < bots; i++) {
      const socket = net.connect({ host: '127.0.0.1', port })
      socket.setNoDelay(true)
      socket.on('data', () => {})
      socket.on('error', () => {})
      sockets.push(socket)
    }
    const move = Buffer.alloc(MOVE_BYTES, 1)
    const sender = setInterval(() => { for (const socket of sockets) socket.write(move) }, 1000 / MOVES_PER_SECOND)
    await sleep(warmupS * 1000)
    const before = measureProcessTree(server.pid).cpuSeconds
    await sleep(durationS * 1000)
    cpuSeconds = measureProcessTree(server.pid).cpuSeconds - before
    clearInterval(sender)
  } finally {
    // Let the last moves arrive before the server reports what it read.
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => { socket.end(resolve) })))
    await server.stop()
  }
  const read = /read (\d+) bytes/.exec(server.output())
  return { bots, cpuSecondsPerBotMinute: cpuSeconds / (bots * durationS / 60), bytesRead: read === null ? 0 : Number(read[1]) }
}
