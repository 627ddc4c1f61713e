import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmbeddedWorldStore } from './embedded-world-store.ts'
import { runWorldStoreContract } from './world-store.contract.ts'

runWorldStoreContract('EmbeddedWorldStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'))
  return { open: async () => await Promise.resolve(createEmbeddedWorldStore(dir)) }
})
