/**
 * Codec throughput: encode a message to a frame, push the frame through the streaming decoder
 * and decode it, for a few message shapes. Run: `node shared/src/cluster/frame-codec.bench.ts`.
 * Prints one JSON line per shape (messages/s and MB/s of frame bytes).
 */
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway } from '../world-messages.ts'
import { FrameDecoder, decodeMessage, encodeMessageFrame } from './frame-codec.ts'
import { sampleColumn, sampleCommands, sampleFacts } from './world-message-samples.ts'

interface Shape { readonly name: string, readonly message: GatewayToNode | NodeToGateway, readonly minMs: number }

const move = sampleCommands().find((m) => m.type === WorldCommand.MovePlayer)!
const blockChanged = sampleFacts().find((m) => m.type === WorldFact.BlockChanged)!
const playerList = sampleFacts().find((m) => m.type === WorldFact.PlayerListUpserted)!
const chunk = (bytes: number): NodeToGateway => ({ type: WorldFact.ChunkData, playerId: 'p' as never, column: sampleColumn(bytes) })

const shapes: Shape[] = [
  { name: 'MovePlayer', message: move, minMs: 1000 },
  { name: 'BlockChanged', message: blockChanged, minMs: 1000 },
  { name: 'PlayerListUpserted (1 entry)', message: playerList, minMs: 1000 },
  { name: 'ChunkData 16 KiB sections + 27 light arrays', message: chunk(16 * 1024), minMs: 1000 },
  { name: 'ChunkData 2.5 MiB sections', message: chunk(2.5 * 1024 * 1024), minMs: 2000 }
]

function run (shape: Shape): Record<string, unknown> {
  const decoder = new FrameDecoder()
  let frameBytes = 0
  let count = 0
  let sink = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < shape.minMs) {
    for (let i = 0; i < 100; i++) {
      const frame = encodeMessageFrame(shape.message)
      frameBytes += frame.length
      decoder.push(frame, (payload) => { sink += (decodeMessage(payload).type as string).length })
      count++
    }
    elapsed = performance.now() - start
  }
  if (sink === 0) throw new Error('nothing decoded')
  const seconds = elapsed / 1000
  return {
    shape: shape.name,
    frameBytes: frameBytes / count,
    messagesPerSecond: Math.round(count / seconds),
    megabytesPerSecond: Math.round(frameBytes / seconds / 1e6)
  }
}

for (const shape of shapes) run({ ...shape, minMs: 200 })
for (const shape of shapes) process.stdout.write(`${JSON.stringify(run(shape))}\n`)
