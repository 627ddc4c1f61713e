/**
 * The hottest functions of a V8 CPU profile (`node --cpu-prof`), by self time, with the share
 * of all samples, and the share per area (gateway, world-node, minecraft-protocol, node core,
 * GC, idle). Usage: node scripts/bench/cpu-profile-top.ts FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
}
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

const file = process.argv[2]
if (file === undefined) {
  process.stderr.write('usage: node scripts/bench/cpu-profile-top.ts FILE.cpuprofile [--top N]\n')
  process.exit(2)
}
const topIndex = process.argv.indexOf('--top')
const top = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 25
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

// Self time per node from the sample stream (timeDeltas[i] is the time before sample i).
const selfUs = new Map<number, number>()
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
}

function area (url: string, name: string): string {
  if (name === '(idle)') return 'idle'
  if (name === '(garbage collector)') return 'GC'
  if (name === '(program)') return 'V8/native (program)'
  if (url.includes('/gateway/')) return 'gateway'
  if (url.includes('/world-node/')) return 'world-node'
  if (url.includes('/auth-service/')) return 'auth-service'
  if (url.includes('/shared/')) return 'shared'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg !== null) return pkg[1]!
  if (url.startsWith('node:') || url === '') return 'node core / native'
  return 'other'
}

const byFunction = new Map<string, number>()
const byArea = new Map<string, number>()
let total = 0
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0
  if (us === 0) continue
  const { functionName, url, lineNumber } = node.callFrame
  const name = functionName === '' ? '(anonymous)' : functionName
  const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(gateway|world-node|shared|auth-service|embedded|node_modules)\//, '$1/')}:${lineNumber + 1}`
  const key = `${name}${where}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  const a = area(url, functionName)
  byArea.set(a, (byArea.get(a) ?? 0) + us)
  total += us
}
const idle = byArea.get('idle') ?? 0
const busy = total - idle
const pct = (us: number, of: number): string => `${(100 * us / of).toFixed(1)}%`
process.stdout.write(`${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${pct(busy, total)}); shares below are of busy time\n\nby area:\n`)
for (const [name, us] of [...byArea].filter(([n]) => n !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  process.stdout.write(`  ${pct(us, busy).padStart(6)}  ${name}\n`)
}
process.stdout.write(`\nhottest functions (self time):\n`)
for (const [name, us] of [...byFunction].filter(([n]) => !n.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${pct(us, busy).padStart(6)}  ${name}\n`)
}
