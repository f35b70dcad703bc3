/**
 * The coach's providers. `offline` needs nothing; `openai-compatible` speaks the chat-completions
 * protocol (LM Studio, Ollama, vLLM, OpenAI…) through the AI SDK, with its models discovered from
 * `GET <base>/models`. Every failure becomes a sentence saying what to check. The API key goes to
 * the provider only: it is never logged and never part of anything sent to a browser.
 */

import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { AppConfig } from '@config'
import type { LanguageModel } from 'ai'
import { z } from 'zod'
import { errorMessage } from '~/lib/error-message'
import { OFFLINE_MODEL_ID } from './offline-model'

export type CoachProviderId = AppConfig['COACH_PROVIDER']

export interface CoachProviderStatus {
  provider: CoachProviderId
  /** Where the provider is (no credentials); null for offline. */
  endpoint: string | null
  models: string[]
  defaultModel: string | null
  ready: boolean
  /** Why the provider cannot answer, and what to do about it. */
  problem: string | null
}

/** A provider problem the user can act on; the endpoint answers it as a failed reply or a 503. */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProviderUnavailableError'
  }
}

const MODELS_TTL_MS = 60_000
const DISCOVERY_TIMEOUT_MS = 5_000

const modelList = z.object({ data: z.array(z.object({ id: z.string().min(1) })) })

let cachedModels: { key: string; at: number; models: string[] } | undefined

function authHeaders(config: AppConfig): Record<string, string> {
  return config.OPENAI_COMPATIBLE_API_KEY ? { authorization: `Bearer ${config.OPENAI_COMPATIBLE_API_KEY}` } : {}
}

/** The provider's address as people may see it: never credentials written into the URL. */
export function publicEndpoint(config: AppConfig): string | null {
  const base = config.OPENAI_COMPATIBLE_BASE_URL
  if (!base) return null
  const url = new URL(base)
  url.username = ''
  url.password = ''
  url.search = ''
  return url.toString().replace(/\/+$/, '')
}

/** What went wrong talking to the provider, as something a person can fix. */
export function describeProviderError(error: unknown, config: AppConfig): string {
  const base = publicEndpoint(config) ?? 'the provider'
  if (error instanceof ProviderUnavailableError) return error.message
  const status = (error as { statusCode?: unknown }).statusCode
  const text = errorMessage(error)
  const cause = errorMessage((error as { cause?: unknown }).cause ?? '')
  if (status === 401 || status === 403) {
    return `The provider at ${base} refused the API key (HTTP ${status}). Check OPENAI_COMPATIBLE_API_KEY.`
  }
  if (status === 404) {
    return `The provider at ${base} answered 404: the model is unknown to it, or OPENAI_COMPATIBLE_BASE_URL lacks its /v1 suffix.`
  }
  if (status === 429) return `The provider at ${base} is rate-limiting requests (HTTP 429). Wait a moment and retry.`
  if (typeof status === 'number' && status >= 500) {
    return `The provider at ${base} failed (HTTP ${status}): ${text}. Check its logs; retry once it is healthy.`
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|Cannot connect|ECONNRESET|socket/i.test(`${text} ${cause}`)) {
    return `The provider at ${base} is not reachable (${cause || text}). Start it (LM Studio: start the local server; Ollama: \`ollama serve\`) or fix OPENAI_COMPATIBLE_BASE_URL.`
  }
  return `The provider at ${base} sent an answer the coach could not use: ${text}`
}

/** The provider's models, from `GET <base>/models` (cached for a minute). */
export async function discoverModels(config: AppConfig): Promise<string[]> {
  if (config.COACH_PROVIDER === 'offline') return [OFFLINE_MODEL_ID]
  const base = config.OPENAI_COMPATIBLE_BASE_URL as string
  const shown = publicEndpoint(config)
  const key = `${base}|${config.OPENAI_COMPATIBLE_API_KEY ?? ''}`
  if (cachedModels?.key === key && Date.now() - cachedModels.at < MODELS_TTL_MS) return cachedModels.models
  let response: Response
  try {
    response = await fetch(`${base}/models`, {
      headers: authHeaders(config),
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    })
  } catch (error) {
    if ((error as { name?: string }).name === 'TimeoutError') {
      throw new ProviderUnavailableError(
        `The provider at ${shown} did not list its models within ${DISCOVERY_TIMEOUT_MS / 1000} s. Is it overloaded, or is OPENAI_COMPATIBLE_BASE_URL pointing at the wrong service?`,
      )
    }
    throw new ProviderUnavailableError(describeProviderError(error, config))
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new ProviderUnavailableError(
      describeProviderError({ statusCode: response.status, message: response.statusText }, config),
    )
  }
  const parsed = modelList.safeParse(await response.json().catch(() => undefined))
  if (!parsed.success) {
    throw new ProviderUnavailableError(
      `The provider at ${shown} answered ${shown}/models with something other than an OpenAI-style model list ({"data":[{"id":…}]}). Is OPENAI_COMPATIBLE_BASE_URL the API root (usually ending in /v1)?`,
    )
  }
  const models = parsed.data.data.map((model) => model.id)
  cachedModels = { key, at: Date.now(), models }
  return models
}

export async function providerStatus(config: AppConfig): Promise<CoachProviderStatus> {
  if (config.COACH_PROVIDER === 'offline') {
    return {
      provider: 'offline',
      endpoint: null,
      models: [OFFLINE_MODEL_ID],
      defaultModel: OFFLINE_MODEL_ID,
      ready: true,
      problem: null,
    }
  }
  const endpoint = publicEndpoint(config)
  try {
    const models = await discoverModels(config)
    const defaultModel = config.COACH_MODEL ?? models[0] ?? null
    const problem =
      defaultModel === null
        ? `The provider at ${endpoint} lists no models. Load a model in it, or set COACH_MODEL.`
        : null
    return { provider: 'openai-compatible', endpoint, models, defaultModel, ready: problem === null, problem }
  } catch (error) {
    // A provider without /models can still answer when COACH_MODEL names the model.
    const defaultModel = config.COACH_MODEL ?? null
    return {
      provider: 'openai-compatible',
      endpoint,
      models: defaultModel ? [defaultModel] : [],
      defaultModel,
      ready: false,
      problem: describeProviderError(error, config),
    }
  }
}

/** The model id a reply uses: the one asked for if the provider offers it, else the default. */
export async function chooseModel(config: AppConfig, requested: string | undefined): Promise<string> {
  if (config.COACH_PROVIDER === 'offline') return OFFLINE_MODEL_ID
  if (requested && requested === config.COACH_MODEL) return requested
  let models: string[]
  try {
    models = await discoverModels(config)
  } catch (error) {
    if (config.COACH_MODEL && !requested) return config.COACH_MODEL
    throw error
  }
  if (requested) {
    if (!models.includes(requested)) {
      throw new ProviderUnavailableError(
        `The provider does not offer the model "${requested}" (it offers: ${models.join(', ') || 'none'}). Pick another model.`,
      )
    }
    return requested
  }
  const chosen = config.COACH_MODEL ?? models[0]
  if (!chosen)
    throw new ProviderUnavailableError('The provider lists no models. Load a model in it, or set COACH_MODEL.')
  return chosen
}

export function openAICompatibleModel(config: AppConfig, modelId: string): LanguageModel {
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: config.OPENAI_COMPATIBLE_BASE_URL as string,
    apiKey: config.OPENAI_COMPATIBLE_API_KEY,
    includeUsage: true,
  })
  return provider.chatModel(modelId)
}
