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
