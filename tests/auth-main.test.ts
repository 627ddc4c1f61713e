/**
 * The real entry point: boots from the environment on the embedded store, answers health, and
 * stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { AuthPaths } from '#shared/auth-api.ts'

void test('auth-service main boots from env, serves health and exits 0 on SIGTERM', { timeout: 20_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-auth-main-'))
  const child = spawn(process.execPath, ['auth-service/src/main.ts'], {
    env: { ...process.env, AUTH_PORT: '0', TESSERA_DATA_DIR: dir, TESSERA_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code) }) })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('no "listening" log line')) }, 10_000)
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string, url?: string }
        if (entry.msg === 'auth-service listening' && entry.url !== undefined) {
          clearTimeout(timer)
          resolve(entry.url)
        }
      })
    })
    assert.deepEqual(await (await fetch(`${url}${AuthPaths.health}`)).json(), { ok: true, store: true })
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  }
})
