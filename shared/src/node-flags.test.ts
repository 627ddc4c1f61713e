import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { SERVER_NODE_FLAGS } from './node-flags.ts'

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }

void test('npm start runs the embedded server with the server flags', () => {
  assert.equal(packageJson.scripts.start, ['node', ...SERVER_NODE_FLAGS, 'embedded/main.ts'].join(' '))
})

void test('this Node accepts every flag (an unknown one stops node with "bad option")', () => {
  const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(run.stderr, '')
  assert.equal(run.status, 0)
  assert.equal(run.stdout, 'ok')
})
