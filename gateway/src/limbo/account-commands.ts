/**
 * /register, /login and /changepassword: answered by the gateway through auth-service, never
 * forwarded to the world-node and never logged (the command line holds the password). The
 * gateway intercepts these names even when accounts are off, so a password typed out of habit
 * does not travel further either.
 */
import { PasswordLength } from '#shared/auth-api.ts'
import type { ClientConnection } from '../connection/client-connection.ts'
import type { AccountResult } from '../auth/auth-client.ts'
import { inLimbo, instruction, leaveLimbo, usesAccounts } from './limbo.ts'
import { say } from './messages.ts'

const ACCOUNT_COMMANDS = new Set(['register', 'login', 'changepassword'])

/** Connections with a password request in flight (one at a time). */
const busy = new WeakSet<ClientConnection>()

/** True for an account command's name, lower-case (handled here; the caller must drop the line). */
export function isAccountCommand (name: string): boolean {
  return ACCOUNT_COMMANDS.has(name)
}

/** Runs an account command; the caller has checked isAccountCommand. */
export function runAccountCommand (client: ClientConnection, line: string): void {
  const [name = '', ...args] = line.trim().split(/\s+/)
  const command = name.toLowerCase()
  const identity = client.identity
  if (identity === undefined) return
  if (!usesAccounts(client)) {
    say(client, 'This server does not use passwords.', 'red')
    return
  }
  if (busy.has(client)) {
    say(client, 'Still checking your last attempt; wait a moment.', 'yellow')
    return
  }
  const who = { uuid: identity.playerId, username: identity.username, address: client.protocol.remoteAddress }
  let request: Promise<AccountResult>
  let success: string
  if (command === 'register') {
    if (!inLimbo(client)) return void say(client, 'You are already logged in.', 'yellow')
    if (args.length !== 2) return void say(client, 'Usage: /register <password> <password>', 'red')
    if (args[0] !== args[1]) return void say(client, 'The two passwords differ: type the same password twice.', 'red')
    if (!lengthOk(client, args[0]!)) return
    request = client.ctx.auth.register({ ...who, password: args[0]! })
    success = 'Account created: you are logged in. Have fun!'
  } else if (command === 'login') {
    if (!inLimbo(client)) return void say(client, 'You are already logged in.', 'yellow')
    if (args.length !== 1) return void say(client, 'Usage: /login <password>', 'red')
    request = client.ctx.auth.login({ ...who, password: args[0]! })
    success = 'Logged in. Have fun!'
  } else {
    if (inLimbo(client)) return void say(client, `Log in first. ${instruction(client)}`, 'red')
    if (args.length !== 2) return void say(client, 'Usage: /changepassword <old password> <new password>', 'red')
    if (!lengthOk(client, args[1]!)) return
    request = client.ctx.auth.changePassword({ ...who, password: args[0]!, newPassword: args[1]! })
    success = 'Password changed.'
  }
  busy.add(client)
  request.then((result) => {
    busy.delete(client)
    if (client.closed) return
    if (result.ok) {
      if (inLimbo(client)) leaveLimbo(client, success)
      else say(client, success, 'green')
      return
    }
    client.log.info({ command, code: result.code }, 'account command refused')
    say(client, explain(client, result), 'red')
  }, (err: unknown) => {
    busy.delete(client)
    client.fail(err)
  })
}

function lengthOk (client: ClientConnection, password: string): boolean {
  const length = [...password].length
  if (length >= PasswordLength.min && length <= PasswordLength.max) return true
  say(client, `A password has ${PasswordLength.min} to ${PasswordLength.max} characters.`, 'red')
  return false
}

/** The refusal in the player's words. */
function explain (client: ClientConnection, result: Extract<AccountResult, { ok: false }>): string {
  switch (result.code) {
    case 'AUTH_WRONG_PASSWORD':
      return 'Wrong password.'
    case 'AUTH_LOCKED_OUT':
      return `Too many wrong passwords: this account is locked${result.retryAfterS === undefined ? ' for a while' : ` for ${duration(result.retryAfterS)}`}. Try again then.`
    case 'AUTH_RATE_LIMITED':
      return 'Too many attempts from your address: wait a minute, then try again.'
    case 'AUTH_NOT_REGISTERED':
      return 'This name is not registered yet: type /register <password> <password>.'
    case 'AUTH_ALREADY_REGISTERED':
      return 'This name is already registered: type /login <password>.'
    case 'AUTH_BAD_REQUEST':
      return `A password has ${PasswordLength.min} to ${PasswordLength.max} characters.`
    case 'AUTH_STORE_UNAVAILABLE':
    case 'AUTH_INTERNAL':
    case 'GW_AUTH_UNAVAILABLE':
      return 'The account service is unavailable right now: try again in a moment.'
    default:
      return `${instruction(client)} (${result.code})`
  }
}

function duration (seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`
  const minutes = Math.ceil(seconds / 60)
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}
