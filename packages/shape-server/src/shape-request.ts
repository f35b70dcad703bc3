import { z } from 'zod'
import { parseRequestedOffset, type RequestedOffset } from './offsets.ts'
import type { LogMode, ReplicaMode } from './shape-definition.ts'

/** Electric's 400 body: `{"message":"Invalid request","errors":{field:[msg]}}`; subset errors nest under `subset`. */
export type RequestErrors = Record<string, string[] | Record<string, string[]>>

export class InvalidRequestError extends Error {
  constructor(readonly errors: RequestErrors) {
    super('Invalid request')
  }

  static field(field: string, message: string, nestedUnder?: 'subset'): InvalidRequestError {
    return new InvalidRequestError(nestedUnder ? { [nestedUnder]: { [field]: [message] } } : { [field]: [message] })
  }
}

export interface SubsetInput {
  where?: string
  params: Map<number, string>
  limit?: number
  offset?: number
  orderBy?: string
}

export interface ShapeRequest {
  table: string
  offset: RequestedOffset
  /** Undefined when offset is -1 or now (Electric ignores it then). */
  handle?: string
  live: boolean
  /** `live_sse` (or the older `experimental_live_sse`): answer as a server-sent event stream. */
  liveSse: boolean
  cursor?: string
  where?: string
  params: Map<number, string>
  columns?: string
  /** Columns subset where/order_by may reference; also the default for `columns`. */
  queryableColumns?: string
  replica: ReplicaMode
  logMode: LogMode
  subset?: SubsetInput
}

const truthy = (value: string | undefined) => value !== undefined && value !== 'false'

const queryShape = z
  .object({
    table: z.string({ error: "can't be blank" }).min(1, "can't be blank"),
    offset: z
      .string({ error: "can't be blank" })
      .refine((value) => parseRequestedOffset(value) !== null, 'has invalid format'),
    handle: z.string().optional(),
    live: z.string().optional(),
    live_sse: z.string().optional(),
    experimental_live_sse: z.string().optional(),
    cursor: z.string().optional(),
    where: z.string().optional(),
    columns: z.string().optional(),
    queryable_columns: z.string().optional(),
    replica: z.enum(['default', 'full'], { error: 'is invalid' }).default('default'),
    log: z.enum(['full', 'changes_only'], { error: 'is invalid' }).default('full'),
  })
  .superRefine((query, context) => {
    const offset = parseRequestedOffset(query.offset ?? '')
    const fromStart = offset?.kind === 'now' || (offset?.kind === 'offset' && offset.offset.tx < 0n)
    if (offset && !fromStart && !query.handle) {
      context.addIssue({ code: 'custom', path: ['handle'], message: "can't be blank when offset != -1" })
    }
    if (offset && fromStart && truthy(query.live)) {
      context.addIssue({ code: 'custom', path: ['live'], message: `can't be true when offset == ${query.offset}` })
    }
    const liveSse = query.live_sse ?? query.experimental_live_sse
    if (truthy(liveSse) && !truthy(query.live)) {
      context.addIssue({ code: 'custom', path: ['live_sse'], message: "can't be true unless live is also true" })
    }
  })

const nonNegativeInteger = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a non-negative integer')
  .transform(Number)

const paramValue = z.union([z.string(), z.number(), z.boolean()]).transform(String)

const subsetBody = z.object({
  where: z.string().optional(),
  params: z.record(z.string(), paramValue, { error: 'must be an object of strings' }).optional(),
  limit: z.number().int('must be an integer').min(1, 'must be greater than or equal to 1').max(1e9).optional(),
  offset: z.number().int('must be an integer').min(0, 'must be greater than or equal to 0').max(1e9).optional(),
  order_by: z.string().optional(),
  where_expr: z.unknown().optional(),
  order_by_expr: z.unknown().optional(),
})

export type SubsetBody = z.infer<typeof subsetBody>

function collectErrors(issues: z.core.$ZodIssue[], nestedUnder?: 'subset'): RequestErrors {
  const flat: Record<string, string[]> = {}
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'body')
    flat[field] ??= []
    flat[field].push(issue.message)
  }
  return nestedUnder ? { [nestedUnder]: flat } : flat
}

/** `params[1]=a&params[2]=b` (or `subset__params[1]=…`) → map; anything else under that name is an error. */
function bracketParams(search: URLSearchParams, name: string): Record<string, string> | undefined {
  const values: Record<string, string> = {}
  let found = false
  for (const [key, value] of search) {
    const match = new RegExp(`^${name}\\[([^\\]]*)\\]$`).exec(key)
    if (match) {
      values[match[1]] = value
      found = true
    }
  }
  return found ? values : undefined
}

function toParameterMap(values: Record<string, string>, field: string, nestedUnder?: 'subset'): Map<number, string> {
  const params = new Map<number, string>()
  for (const [key, value] of Object.entries(values)) {
    if (!/^[1-9]\d{0,4}$/.test(key)) {
      throw InvalidRequestError.field(
        field,
        `invalid parameter name "${key}": expected a positive integer`,
        nestedUnder,
      )
    }
    params.set(Number(key), value)
  }
  return params
}

function subsetFromBody(body: SubsetBody): SubsetInput {
  if ((body.limit !== undefined || body.offset !== undefined) && !body.order_by) {
    throw InvalidRequestError.field('order_by', 'is required when limit or offset is set', 'subset')
  }
  return {
    where: body.where,
    params: toParameterMap(body.params ?? {}, 'params', 'subset'),
    limit: body.limit,
    offset: body.offset,
    orderBy: body.order_by,
  }
}

function subsetFromQuery(search: URLSearchParams): SubsetInput | undefined {
  const keys = [...search.keys()].filter((key) => key.startsWith('subset__'))
  if (keys.length === 0) return undefined
  const errors: Record<string, string[]> = {}
  const number = (name: string, minimum: number) => {
    const raw = search.get(`subset__${name}`)
    if (raw === null) return undefined
    const parsed = nonNegativeInteger.safeParse(raw)
    if (!parsed.success || parsed.data < minimum) {
      errors[name] = [`must be an integer greater than or equal to ${minimum}`]
      return undefined
    }
    return parsed.data
  }
  let params: Record<string, string> = {}
  const jsonParams = search.get('subset__params')
  if (jsonParams !== null) {
    try {
      const parsed = z.record(z.string(), paramValue).safeParse(JSON.parse(jsonParams))
      if (parsed.success) params = parsed.data
      else errors.params = ['must be a JSON object of strings']
    } catch {
      errors.params = ['must be a JSON object of strings']
    }
  } else {
    params = bracketParams(search, 'subset__params') ?? {}
  }
  const body: SubsetBody = {
    where: search.get('subset__where') ?? undefined,
    params,
    limit: number('limit', 1),
    offset: number('offset', 0),
    order_by: search.get('subset__order_by') ?? undefined,
  }
  if (Object.keys(errors).length > 0) throw new InvalidRequestError({ subset: errors })
  return subsetFromBody(body)
}

/** Parses a POST body (subset parameters, possibly nested under `subset`). */
export function parseSubsetBody(json: unknown): SubsetInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw InvalidRequestError.field('body', 'must be a JSON object')
  }
  const candidate = 'subset' in json && typeof json.subset === 'object' && json.subset !== null ? json.subset : json
  const parsed = subsetBody.safeParse(candidate)
  if (!parsed.success) throw new InvalidRequestError(collectErrors(parsed.error.issues, 'subset'))
  return subsetFromBody(parsed.data)
}

/** Validates the query string of a shape request (unknown parameters are ignored, as in Electric). */
export function parseShapeQuery(search: URLSearchParams): ShapeRequest {
  const flat: Record<string, string> = {}
  for (const key of queryShape.keyof().options) {
    const value = search.get(key)
    if (value !== null) flat[key] = value
  }
  const parsed = queryShape.safeParse(flat)
  if (!parsed.success) throw new InvalidRequestError(collectErrors(parsed.error.issues))
  const query = parsed.data
  const offset = parseRequestedOffset(query.offset) as RequestedOffset
  const fromStart = offset.kind === 'now' || offset.offset.tx < 0n
  if (search.has('params') && !bracketParams(search, 'params')) {
    throw InvalidRequestError.field('params', 'must be given as params[n]=value')
  }
  return {
    table: query.table,
    offset,
    handle: fromStart ? undefined : query.handle,
    live: truthy(query.live),
    liveSse: truthy(query.live) && truthy(query.live_sse ?? query.experimental_live_sse),
    cursor: query.cursor,
    where: query.where,
    params: toParameterMap(bracketParams(search, 'params') ?? {}, 'params'),
    columns: query.columns,
    queryableColumns: query.queryable_columns,
    replica: query.replica,
    logMode: query.log,
    subset: subsetFromQuery(search),
  }
}
