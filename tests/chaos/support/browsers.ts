/** Debian's Chromium driven by Playwright's library (never a downloaded browser), as the e2e suite does. */
import { type Browser, chromium } from '@playwright/test'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
    ],
  })
}
