/**
 * A local stand-in for Mojang's session server (the one part of login that cannot exist here):
 * `POST /session/minecraft/join` records a client's join, `GET /session/minecraft/hasJoined`
 * vouches for it only when the access token was one the stand-in issued.
 */
import { createServer, type Server } from 'node:http'

/** A profile the stand-in knows, with the access token that proves it. */
export interface StandInProfile { readonly id: string, readonly name: string, readonly accessToken: string, readonly skin: string }

/** A running stand-in. */
export interface SessionServerStandIn { readonly url: string, stop (): Promise<void> }

/** Starts the stand-in on a free loopback port. */
export async function startSessionServer (profiles: readonly StandInProfile[]): Promise<SessionServerStandIn> {
  const joins = new Map<string, { name: string, valid: boolean }>()
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in')
    if (request.method === 'POST' && url.pathname === '/session/minecraft/join') {
      let body = ''
      request.on('data', (data: Buffer) => { body += data.toString() })
      request.on('end', () => {
        const join = JSON.parse(body) as { accessToken: string, selectedProfile: string, serverId: string }
        const profile = profiles.find((p) => p.id.replaceAll('-', '') === join.selectedProfile.replaceAll('-', ''))
        joins.set(join.serverId, { name: profile?.name ?? '', valid: profile !== undefined && profile.accessToken === join.accessToken })
        response.writeHead(204).end()
      })
      return
    }
    if (request.method === 'GET' && url.pathname === '/session/minecraft/hasJoined') {
      const join = joins.get(url.searchParams.get('serverId') ?? '')
      const profile = profiles.find((p) => p.name === url.searchParams.get('username'))
      if (join === undefined || !join.valid || profile === undefined || join.name !== profile.name) {
        response.writeHead(204).end()
        return
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: profile.id.replaceAll('-', ''),
        name: profile.name,
        properties: [{ name: 'textures', value: profile.skin, signature: 'c2lnbmF0dXJl' }]
      }))
      return
    }
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    async stop () { await new Promise<void>((resolve) => { server.close(() => { resolve() }) }) }
  }
}
