/**
 * Microbenchmark: a chunk column from nothing to the bytes a client receives — world-node
 * terrain generation and serialization, the gateway's map_chunk encode, compression (threshold
 * 256, as `npm start`) and framing. Each operation is a column never generated before.
 * Prints columns per second, and the share of each stage.
 */
import { createTerrain, serializeColumn } from '../../../world-node/src/terrain/index.ts'
import { loadGameRegistries } from '../../../gateway/src/packets/game-registries.ts'
import { OutboundFrames } from '../../../gateway/src/packets/outbound-frames.ts'
import { encodeMapChunk } from '../../../gateway/src/packets/map-chunk.ts'
import type { WorldShape } from '../../../gateway/src/packets/play-packets.ts'
import { measure, report } from './measure.ts'

const VERSION = '1.21.4'
const terrain = createTerrain({ seed: 'micro-bench', version: VERSION })
const registries = loadGameRegistries(VERSION)
const frames = new OutboundFrames(VERSION, 256)
const shape: WorldShape = { minY: -64, worldHeight: 384, viewDistance: 10, seaLevel: 62 }

let n = 0
let generateMs = 0
let serializeMs = 0
let encodeMs = 0
let bytes = 0
const result = await measure('chunk generate+serialize+encode+compress', 'columns', () => {
  const cx = n % 64
  const cz = Math.floor(n / 64)
  n++
  const t0 = performance.now()
  const chunk = terrain.generate(cx, cz)
  const t1 = performance.now()
  const column = serializeColumn(chunk, cx, cz, 0)
  const t2 = performance.now()
  const framed = frames.packet(encodeMapChunk(VERSION, registries, column, shape))
  const t3 = performance.now()
  generateMs += t1 - t0
  serializeMs += t2 - t1
  encodeMs += t3 - t2
  bytes += framed.length
})
const total = generateMs + serializeMs + encodeMs
const share = (ms: number): string => `${Math.round(100 * ms / total)}%`
report(result, `generate ${share(generateMs)}, serialize ${share(serializeMs)}, encode+compress+frame ${share(encodeMs)}; ${Math.round(bytes / n / 1024 * 10) / 10} KiB per framed column`)
