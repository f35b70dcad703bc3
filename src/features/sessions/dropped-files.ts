/** Files from a drop, including the contents of dropped folders (walked with the entries API). */

interface NamedFile {
  file: File
  /** Relative path for files from folders, else the file name. */
  name: string
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject))
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject))
}

async function walk(entry: FileSystemEntry, out: NamedFile[]) {
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileSystemFileEntry), name: entry.fullPath.replace(/^\//, '') })
    return
  }
  if (!entry.isDirectory) return
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  // readEntries returns at most ~100 entries per call; an empty batch means the end.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, out)
  }
}

export async function filesFromDrop(transfer: DataTransfer): Promise<NamedFile[]> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => Boolean(entry))
  if (entries.length === 0) return [...transfer.files].map((file) => ({ file, name: file.name }))
  const out: NamedFile[] = []
  for (const entry of entries) await walk(entry, out)
  return out
}

export function filesFromInput(list: FileList | null): NamedFile[] {
  return [...(list ?? [])].map((file) => ({ file, name: file.webkitRelativePath || file.name }))
}

export type { NamedFile }
