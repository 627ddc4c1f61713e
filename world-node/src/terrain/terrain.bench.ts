/**
 * Benchmark: columns per second through generate + serializeColumn, per game version.
 * Run: node world-node/src/terrain/terrain.bench.ts [columns]
 */
import { createTerrain, serializeColumn } from './index.ts'

const columns = Number(process.argv[2] ?? 2000)
const side = Math.ceil(Math.sqrt(columns))

for (const version of ['1.21.4', '26.1']) {
  const terrain = createTerrain({ seed: 'bench', version })
  // Warm up the JIT on chunks outside the measured area.
  for (let i = 0; i < 200; i++) serializeColumn(terrain.generate(10_000 + i, 0), 10_000 + i, 0, 0)

  let generateMs = 0
  let serializeMs = 0
  let bytes = 0
  for (let i = 0; i < columns; i++) {
    const cx = (i % side) - (side >> 1)
    const cz = Math.floor(i / side) - (side >> 1)
    const t0 = performance.now()
    const chunk = terrain.generate(cx, cz)
    const t1 = performance.now()
    const column = serializeColumn(chunk, cx, cz, 0)
    generateMs += t1 - t0
    serializeMs += performance.now() - t1
    bytes += column.sections.length
  }
  const total = generateMs + serializeMs
  process.stdout.write(`${version}: ${Math.round(columns / (total / 1000))} columns/s ` +
    `(${(total / columns).toFixed(3)} ms each: generate ${(generateMs / columns).toFixed(3)}, serialize ${(serializeMs / columns).toFixed(3)}; ` +
    `${Math.round(bytes / columns)} section bytes per column)\n`)
}
