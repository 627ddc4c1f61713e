/**
 * The shape shared by the whitelist and the op list: GET (all), and GET/PUT/DELETE of one
 * name under `<base>/:name`. Names are case-insensitive, as Minecraft treats them.
 */
import type { FastifyInstance } from 'fastify'
import type { NameFlag, NameList } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'
import { objectBody, usernameField } from '../validate.ts'

/** How one list reads and writes the store. */
export interface NameListStore {
  has (name: string): Promise<boolean>
  set (name: string, enabled: boolean): Promise<void>
  list (): Promise<string[]>
  /** Called after a change is stored. */
  changed? (name: string, enabled: boolean): Promise<void>
}

/** Registers the admin endpoints of one name list at base. */
export function registerNameList (app: FastifyInstance, ctx: AuthContext, base: string, lists: NameListStore): void {
  const admin = { preHandler: ctx.requireAdmin }
  const nameOf = (params: unknown): string => usernameField(objectBody(params), 'name')

  app.get(base, admin, async (): Promise<NameList> => ({ names: await lists.list() }))

  app.get(`${base}/:name`, admin, async (request): Promise<NameFlag> => {
    const name = nameOf(request.params)
    return { name, enabled: await lists.has(name) }
  })

  for (const [method, enabled] of [['PUT', true], ['DELETE', false]] as const) {
    app.route({
      method,
      url: `${base}/:name`,
      preHandler: ctx.requireAdmin,
      handler: async (request): Promise<NameFlag> => {
        const name = nameOf(request.params)
        await lists.set(name, enabled)
        await lists.changed?.(name, enabled)
        request.log.info({ list: base, name, enabled }, 'name list changed')
        return { name, enabled }
      }
    })
  }
}
