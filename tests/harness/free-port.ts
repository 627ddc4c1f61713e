/**
 * Free TCP ports on loopback for test processes.
 */
import { createServer } from 'node:net'

/** Asks the kernel for a free port on 127.0.0.1 and releases it. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') throw new Error('no port')
      server.close(() => { resolve(address.port) })
    })
  })
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
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000)
    let free = true
    for (let i = 0; i < count && free; i++) free = await isFree(base + i)
    if (free) return base
  }
  throw new Error(`no ${count} consecutive free ports found`)
}
