import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { describe, test } from 'node:test'
import { freePort, freePortRange } from './free-port.ts'

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])

async function bind (port: number): Promise<void> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  await new Promise((resolve) => server.close(resolve))
}

describe('free ports', () => {
  test('come from below the ephemeral range, are never handed out twice and can be bound', async () => {
    const ports = []
    for (let i = 0; i < 50; i++) ports.push(await freePort())
    assert.equal(new Set(ports).size, ports.length)
    for (const port of ports) assert.ok(port >= 10_000 && port < ephemeralLow, `${port} is inside the ephemeral range from ${ephemeralLow}`)
    for (const port of ports.slice(0, 5)) await bind(port)
  })

  test('a range is consecutive free ports, none of them handed out before', async () => {
    const single = await freePort()
    const base = await freePortRange(8)
    assert.ok(base + 7 < ephemeralLow)
    assert.ok(single < base || single > base + 7)
    for (let i = 0; i < 8; i++) await bind(base + i)
  })
})
