/**
 * The Codex entry schemas behind cheap structural checks (see checked-schema.ts): the checks
 * follow schema.ts field by field; a value they do not accept goes through zod as before.
 */
import { checkedSchema, isNumber, isObject, isOptionalNumber, isOptionalText } from '~/domain/agent-logs/checked-schema'
import {
  callOutputSchema,
  customToolCallSchema,
  envelopeSchema,
  eventMsgSchema,
  functionCallSchema,
  messageItemSchema,
  reasoningItemSchema,
  shellArgumentsSchema,
  tokenCountSchema,
  turnContextSchema,
  userMessageSchema,
  webSearchCallSchema,
} from './schema'

const isContentPart = (part: unknown) => isObject(part) && typeof part.type === 'string' && isOptionalText(part.text)
const isContentParts = (value: unknown) => Array.isArray(value) && value.every(isContentPart)
const isOptionalContent = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string' || isContentParts(value)
const isTextOrTexts = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))

const isTokenUsage = (value: unknown) =>
  isObject(value) &&
  isNumber(value.input_tokens) &&
  isOptionalNumber(value.cached_input_tokens) &&
  isNumber(value.output_tokens) &&
  isOptionalNumber(value.reasoning_output_tokens)

export const codexEntries = {
  envelope: checkedSchema(
    envelopeSchema,
    (value) =>
      isObject(value) && typeof value.type === 'string' && isOptionalText(value.timestamp) && 'payload' in value,
  ),
  turnContext: checkedSchema(
    turnContextSchema,
    (value) => isObject(value) && isOptionalText(value.model) && isOptionalText(value.cwd),
  ),
  eventMsg: checkedSchema(eventMsgSchema, (value) => isObject(value) && typeof value.type === 'string'),
  userMessage: checkedSchema(userMessageSchema, (value) => isObject(value) && typeof value.message === 'string'),
  tokenCount: checkedSchema(
    tokenCountSchema,
    (value) =>
      isObject(value) &&
      (value.info === undefined ||
        value.info === null ||
        (isObject(value.info) &&
          (value.info.total_token_usage === undefined ||
            value.info.total_token_usage === null ||
            isTokenUsage(value.info.total_token_usage)))),
  ),
  message: checkedSchema(
    messageItemSchema,
    (value) => isObject(value) && typeof value.role === 'string' && isOptionalContent(value.content),
  ),
  reasoning: checkedSchema(
    reasoningItemSchema,
    (value) =>
      isObject(value) &&
      (value.summary === undefined || value.summary === null || isContentParts(value.summary)) &&
      isOptionalContent(value.content) &&
      isOptionalText(value.encrypted_content),
  ),
  functionCall: checkedSchema(
    functionCallSchema,
    (value) => isObject(value) && typeof value.name === 'string' && typeof value.call_id === 'string',
  ),
  callOutput: checkedSchema(
    callOutputSchema,
    (value) =>
      isObject(value) &&
      typeof value.call_id === 'string' &&
      (typeof value.output === 'string' || Array.isArray(value.output) || isObject(value.output)),
  ),
  customToolCall: checkedSchema(
    customToolCallSchema,
    (value) =>
      isObject(value) &&
      typeof value.name === 'string' &&
      typeof value.call_id === 'string' &&
      isOptionalText(value.status),
  ),
  webSearchCall: checkedSchema(
    webSearchCallSchema,
    (value) =>
      isObject(value) &&
      isOptionalText(value.status) &&
      (value.action === undefined ||
        value.action === null ||
        (isObject(value.action) &&
          isOptionalText(value.action.type) &&
          isOptionalText(value.action.query) &&
          isOptionalText(value.action.url) &&
          isOptionalText(value.action.pattern))),
  ),
  shellArguments: checkedSchema(
    shellArgumentsSchema,
    (value) =>
      isObject(value) &&
      (value.cmd === undefined || value.cmd === null || isTextOrTexts(value.cmd)) &&
      (value.command === undefined || value.command === null || isTextOrTexts(value.command)) &&
      isOptionalText(value.workdir) &&
      isOptionalText(value.cwd),
  ),
}
