/**
 * The hottest functions of a V8 CPU profile (`node --cpu-prof`), by self time, with the share
 * of all samples, and the share per area (gateway, world-node, minecraft-protocol, node core,
 * GC, idle), then the functions with the most inclusive time (self plus callees). --from and --to
 * keep only the samples that many seconds after the profile began, e.g. a load test's hold window.
 * Usage: node scripts/bench/cpu-profile-top.ts FILE.cpuprofile [--top N] [--from S] [--to S]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

function flag (name: string, fallback: number): number {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const file = process.argv[2]
if (file === undefined) {
  process.stderr.write('usage: node scripts/bench/cpu-profile-top.ts FILE.cpuprofile [--top N] [--from S] [--to S]\n')
  process.exit(2)
}
const top = flag('--top', 25)
const fromUs = flag('--from', 0) * 1e6
const toUs = flag('--to', Infinity) * 1e6
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

// Self time per node from the sample stream (timeDeltas[i] is the time before sample i), within
// the window.
const selfUs = new Map<number, number>()
let at = 0
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0
  at += delta
  if (at < fromUs || at > toUs) continue
  const id = profile.samples[i]!
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta)
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

/** A function's name and place, the same for all its profile nodes. */
function keyOf (node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const name = functionName === '' ? '(anonymous)' : functionName
  const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(gateway|world-node|shared|auth-service|embedded|scripts|node_modules)\//, '$1/')}:${lineNumber + 1}`
  return `${name}${where}`
}

const byFunction = new Map<string, number>()
const byArea = new Map<string, number>()
let total = 0
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0
  if (us === 0) continue
  const { functionName, url } = node.callFrame
  const key = keyOf(node)
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

// Inclusive time: each node's self time counted once for every distinct function on its stack.
const nodeById = new Map(profile.nodes.map((node) => [node.id, node]))
const parentOf = new Map<number, ProfileNode>()
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node)
const inclusive = new Map<string, number>()
for (const [id, us] of selfUs) {
  const seen = new Set<string>()
  for (let node = nodeById.get(id); node !== undefined; node = parentOf.get(node.id)) {
    const key = keyOf(node)
    if (seen.has(key) || key.startsWith('(root)') || key.startsWith('(idle)')) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + us)
  }
}
process.stdout.write(`\nhottest functions (inclusive time):\n`)
for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${pct(us, busy).padStart(6)}  ${name}\n`)
}
