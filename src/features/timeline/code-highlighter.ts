/**
 * Syntax highlighting for the event detail: highlight.js core with the languages agent sessions
 * mostly touch (about 40 kB minified instead of the 1 MB full build). Loaded with `import()` the
 * first time a detail shows code, so the timeline's first paint does not wait for it.
 */
import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import css from 'highlight.js/lib/languages/css'
import go from 'highlight.js/lib/languages/go'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import markdown from 'highlight.js/lib/languages/markdown'
import python from 'highlight.js/lib/languages/python'
import rust from 'highlight.js/lib/languages/rust'
import sqlLanguage from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'

const LANGUAGES = { bash, css, go, javascript, json, markdown, python, rust, sql: sqlLanguage, typescript, xml, yaml }
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language)

/** Longer code is shown plain: highlighting it would block the page for too long. */
export const MAX_HIGHLIGHTED_CHARS = 60_000

/**
 * The code as HTML with highlight.js token spans; highlight.js escapes the code itself, so the
 * result is safe to insert. Null when the language is unknown or the code is too long.
 */
export function highlightCode(code: string, language: string): string | null {
  if (code.length > MAX_HIGHLIGHTED_CHARS || !hljs.getLanguage(language)) return null
  return hljs.highlight(code, { language, ignoreIllegals: true }).value
}
