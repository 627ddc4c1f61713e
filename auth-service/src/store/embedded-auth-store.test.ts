import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runAuthStoreContract } from './auth-store.contract.ts'
import { EmbeddedAuthStore } from './embedded-auth-store.ts'

runAuthStoreContract('embedded (SQLite)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-auth-'))
  const store = new EmbeddedAuthStore({ path: join(dir, 'auth.sqlite') })
  await store.open()
  return {
    store,
    async cleanup () {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
})

void test('the embedded store keeps accounts and bans across a reopen of the same file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-auth-'))
  try {
    const path = join(dir, 'auth.sqlite')
    const first = new EmbeddedAuthStore({ path })
    await first.open()
    await first.addBan({ kind: 'name', value: 'Griefer', reason: 'tnt', createdAt: 1 })
    await first.createAccount({ uuid: '00000000-0000-4000-8000-00000000a11c', username: 'Alice', hash: 'h', salt: 's', cost: 1024, blockSize: 8, parallelization: 1, keyLength: 32, createdAt: 1, updatedAt: 1 })
    await first.close()
    const second = new EmbeddedAuthStore({ path })
    await second.open()
    assert.equal((await second.listBans()).length, 1)
    assert.equal((await second.getAccount('00000000-0000-4000-8000-00000000a11c'))?.hash, 'h')
    await second.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
