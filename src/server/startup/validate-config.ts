import { ConfigError, getConfig, pinListenAddress } from '@config'
import { definePlugin } from 'nitro'

/*
 * Evaluated when the built server's bundle loads — before Nitro reads HOST/PORT and listens (the
 * app's own modules load lazily, on the first request). An invalid configuration, or local auth on
 * a public HOST, stops the process with the message that says how to fix it; a missing HOST
 * becomes 127.0.0.1 instead of Nitro's default of every interface.
 */
try {
  pinListenAddress(getConfig())
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(2)
  }
  throw error
}

export default definePlugin(() => {})
