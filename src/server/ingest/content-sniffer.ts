/**
 * A look at the first bytes of a file before anything is stored: agent logs are UTF-8 text, and a
 * compressed archive, an image or a UTF-16 export would otherwise become thousands of "malformed
 * lines". Each verdict carries a message that tells the person what to do instead.
 */

/** How much of the start of a file the verdict is based on. */
export const SNIFF_BYTES = 64 * 1024

export type SniffVerdict = { ok: true } | { ok: false; kind: 'binary' | 'undecodable'; message: string }

const MAGIC: { bytes: number[]; what: string; hint: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip archive', hint: 'Decompress it (gunzip) and upload the .jsonl inside.' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', hint: 'Unzip it and upload the log files inside.' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd archive', hint: 'Decompress it and upload the log inside.' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive', hint: 'Decompress it and upload the log inside.' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a], what: 'an xz archive', hint: 'Decompress it and upload the log inside.' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive', hint: 'Extract it and upload the log inside.' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: 'Upload the agent’s .jsonl or .json log instead.' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', hint: 'Upload the agent’s .jsonl or .json log instead.' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', hint: 'Upload the agent’s .jsonl or .json log instead.' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable', hint: 'Upload the agent’s .jsonl or .json log instead.' },
  {
    bytes: [...'SQLite format 3'].map((c) => c.charCodeAt(0)),
    what: 'an SQLite database',
    hint: 'Upload the agent’s .jsonl or .json log instead.',
  },
]

function startsWith(bytes: Uint8Array, prefix: number[]) {
  return prefix.length <= bytes.length && prefix.every((value, index) => bytes[index] === value)
}

/** Share of bytes that never occur in text logs (NUL and C0 controls other than tab, LF, CR, FF, ESC). */
function controlShare(bytes: Uint8Array) {
  let control = 0
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++
  }
  return bytes.length === 0 ? 0 : control / bytes.length
}

/** Counts bytes that are not part of a well-formed UTF-8 sequence, ignoring a sequence cut at the end. */
function invalidUtf8Share(bytes: Uint8Array) {
  let invalid = 0
  let index = 0
  while (index < bytes.length) {
    const byte = bytes[index]
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0
    if (length === 0) {
      invalid++
      index++
      continue
    }
    if (index + length > bytes.length) break
    let ok = true
    for (let k = 1; k < length; k++) if ((bytes[index + k] & 0xc0) !== 0x80) ok = false
    if (!ok) {
      invalid++
      index++
      continue
    }
    index += length
  }
  return bytes.length === 0 ? 0 : invalid / bytes.length
}

export function sniffContent(start: Uint8Array): SniffVerdict {
  for (const magic of MAGIC) {
    if (startsWith(start, magic.bytes)) {
      return { ok: false, kind: 'binary', message: `This file is ${magic.what}, not an agent log. ${magic.hint}` }
    }
  }
  if (startsWith(start, [0xff, 0xfe]) || startsWith(start, [0xfe, 0xff])) {
    return {
      ok: false,
      kind: 'undecodable',
      message: 'This file is UTF-16 text. Agent logs are UTF-8: save or convert it as UTF-8 and upload it again.',
    }
  }
  const sample = start.subarray(0, SNIFF_BYTES)
  // Text logs have no control bytes at all; a few stray NULs are repaired (U+FFFD), lots mean binary.
  if (controlShare(sample) > 0.1) {
    return {
      ok: false,
      kind: 'binary',
      message: 'This file looks binary (it is full of control bytes), not an agent log. Upload a .jsonl or .json log.',
    }
  }
  if (invalidUtf8Share(sample) > 0.01) {
    return {
      ok: false,
      kind: 'undecodable',
      message:
        'This file is not UTF-8 text (perhaps Latin-1 or another legacy encoding). Convert it to UTF-8 and upload it again.',
    }
  }
  return { ok: true }
}
