/**
 * Password hashing with scrypt from node:crypto (async, on the libuv pool), a per-account
 * random salt and a constant-time compare. The parameters travel with each hash so the cost
 * can be raised later without breaking old accounts.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { PasswordLength } from '#shared/auth-api.ts'
import { badRequest } from './http-errors.ts'

/** The hash part of an account record. */
export interface PasswordHash {
  readonly hash: string
  readonly salt: string
  readonly cost: number
  readonly blockSize: number
  readonly parallelization: number
  readonly keyLength: number
}

/** Password rules: 6 to 64 characters (the contract's PasswordLength). */
export const PASSWORD_MIN = PasswordLength.min
export const PASSWORD_MAX = PasswordLength.max

/** Throws 400 when the password breaks the rules. */
export function checkPasswordRules (password: string, field = 'password'): void {
  const length = [...password].length
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) throw badRequest(`${field}: a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`)
}

async function derive (password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => { if (err === null) resolve(key); else reject(err) })
  })
}

function optionsOf (cost: number, blockSize: number, parallelization: number): ScryptOptions {
  return { cost, blockSize, parallelization, maxmem: 256 * cost * blockSize * parallelization + 1024 * 1024 }
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword (password: string, cost: number): Promise<PasswordHash> {
  const salt = randomBytes(16)
  const blockSize = 8
  const parallelization = 1
  const keyLength = 32
  const key = await derive(password, salt, keyLength, optionsOf(cost, blockSize, parallelization))
  return { hash: key.toString('base64'), salt: salt.toString('base64'), cost, blockSize, parallelization, keyLength }
}

/** True when password matches the stored hash (constant-time compare). */
export async function verifyPassword (password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64')
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored.keyLength, optionsOf(stored.cost, stored.blockSize, stored.parallelization))
  return key.length === expected.length && timingSafeEqual(key, expected)
}
