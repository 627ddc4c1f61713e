/**
 * Free TCP ports on loopback for test and benchmark processes.
 *
 * Ports come from below the kernel's ephemeral range (net.ipv4.ip_local_port_range). Asking the
 * kernel for port 0 and releasing it, the usual trick, hands out a port that any later bind to
 * port 0 or outgoing connection may be given before the intended server binds it: a benchmark
 * lost a step to that when the server's own in-process auth-service took its metrics port.
 * Below the range, only a process that names the port can take it.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const LOWEST_PORT = 10_000
/** Ports this process has handed out: never handed out twice. */
const handedOut = new Set<number>()

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralLow (): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    return Number.isInteger(low) && low > LOWEST_PORT + 1000 ? low : 32_768
  } catch {
    return 32_768
  }
}

async function isFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '0.0.0.0', () => { server.close(() => { resolve(true) }) })
  })
}

/** A base port such that `count` consecutive ports from it are free now (bounded attempts). */
export async function freePortRange (count: number): Promise<number> {
  const highest = ephemeralLow() - 1
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = LOWEST_PORT + Math.floor(Math.random() * (highest - LOWEST_PORT - count + 2))
    let free = true
    for (let i = 0; i < count && free; i++) free = !handedOut.has(base + i) && await isFree(base + i)
    if (!free) continue
    for (let i = 0; i < count; i++) handedOut.add(base + i)
    return base
  }
  throw new Error(`no ${count} consecutive free ports found below ${highest + 1}`)
}

/** A port free on every address now, outside the ephemeral range. */
export async function freePort (): Promise<number> {
  return await freePortRange(1)
}
