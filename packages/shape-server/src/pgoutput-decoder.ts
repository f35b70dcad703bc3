/**
 * Decoder for pgoutput protocol version 1 messages
 * (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html).
 * Column values stay exactly as Postgres' text output; nothing is converted.
 */

export interface RelationColumn {
  name: string
  typeOid: number
  typeMod: number
  /** Part of the replica identity (all columns with REPLICA IDENTITY FULL). */
  isKey: boolean
}

export interface Relation {
  oid: number
  schema: string
  name: string
  replicaIdentity: 'default' | 'nothing' | 'full' | 'index'
  columns: RelationColumn[]
}

/** By column position; `undefined` marks an unchanged TOAST value that was not sent. */
export type TupleData = (string | null | undefined)[]

export type PgoutputMessage =
  | { kind: 'begin'; finalLsn: bigint; xid: number }
  | { kind: 'commit'; commitLsn: bigint; endLsn: bigint }
  | { kind: 'relation'; relation: Relation }
  | { kind: 'insert'; relationOid: number; newTuple: TupleData }
  | { kind: 'update'; relationOid: number; oldTuple: TupleData | null; newTuple: TupleData }
  /** `keyOnly`: the table is not REPLICA IDENTITY FULL, so only key columns are filled. */
  | { kind: 'delete'; relationOid: number; oldTuple: TupleData; keyOnly: boolean }
  | { kind: 'truncate'; relationOids: number[] }
  | { kind: 'ignored'; tag: string }

class MessageReader {
  private position = 0
  constructor(private readonly buffer: Buffer) {}

  byte(): number {
    return this.buffer.readUInt8(this.position++)
  }
  int16(): number {
    const value = this.buffer.readInt16BE(this.position)
    this.position += 2
    return value
  }
  int32(): number {
    const value = this.buffer.readInt32BE(this.position)
    this.position += 4
    return value
  }
  uint32(): number {
    const value = this.buffer.readUInt32BE(this.position)
    this.position += 4
    return value
  }
  uint64(): bigint {
    const value = this.buffer.readBigUInt64BE(this.position)
    this.position += 8
    return value
  }
  cString(): string {
    const end = this.buffer.indexOf(0, this.position)
    const value = this.buffer.toString('utf8', this.position, end)
    this.position = end + 1
    return value
  }
  text(length: number): string {
    const value = this.buffer.toString('utf8', this.position, this.position + length)
    this.position += length
    return value
  }
}

const REPLICA_IDENTITIES: Record<string, Relation['replicaIdentity']> = {
  d: 'default',
  n: 'nothing',
  f: 'full',
  i: 'index',
}

function readTuple(reader: MessageReader): TupleData {
  const count = reader.int16()
  const tuple: TupleData = new Array(count)
  for (let index = 0; index < count; index++) {
    const kind = String.fromCharCode(reader.byte())
    if (kind === 'n') tuple[index] = null
    else if (kind === 'u') tuple[index] = undefined
    else if (kind === 't') tuple[index] = reader.text(reader.int32())
    else throw new Error(`pgoutput: unexpected tuple value kind '${kind}' (binary mode is never requested)`)
  }
  return tuple
}

export function decodePgoutputMessage(buffer: Buffer): PgoutputMessage {
  const reader = new MessageReader(buffer)
  const tag = String.fromCharCode(reader.byte())
  switch (tag) {
    case 'B': {
      const finalLsn = reader.uint64()
      reader.uint64() // commit timestamp
      return { kind: 'begin', finalLsn, xid: reader.uint32() }
    }
    case 'C': {
      reader.byte() // flags, unused
      const commitLsn = reader.uint64()
      const endLsn = reader.uint64()
      return { kind: 'commit', commitLsn, endLsn }
    }
    case 'R': {
      const oid = reader.uint32()
      const schema = reader.cString()
      const name = reader.cString()
      const replicaIdentity = REPLICA_IDENTITIES[String.fromCharCode(reader.byte())] ?? 'default'
      const count = reader.int16()
      const columns: RelationColumn[] = []
      for (let index = 0; index < count; index++) {
        const flags = reader.byte()
        columns.push({
          isKey: (flags & 1) === 1,
          name: reader.cString(),
          typeOid: reader.uint32(),
          typeMod: reader.int32(),
        })
      }
      return { kind: 'relation', relation: { oid, schema, name, replicaIdentity, columns } }
    }
    case 'I': {
      const relationOid = reader.uint32()
      reader.byte() // 'N'
      return { kind: 'insert', relationOid, newTuple: readTuple(reader) }
    }
    case 'U': {
      const relationOid = reader.uint32()
      let marker = String.fromCharCode(reader.byte())
      let oldTuple: TupleData | null = null
      if (marker === 'O' || marker === 'K') {
        const tuple = readTuple(reader)
        // A 'K' tuple only holds the key columns (identity not FULL): no usable old row.
        oldTuple = marker === 'O' ? tuple : null
        marker = String.fromCharCode(reader.byte())
      }
      if (marker !== 'N') throw new Error(`pgoutput: unexpected update marker '${marker}'`)
      return { kind: 'update', relationOid, oldTuple, newTuple: readTuple(reader) }
    }
    case 'D': {
      const relationOid = reader.uint32()
      const keyOnly = String.fromCharCode(reader.byte()) === 'K'
      return { kind: 'delete', relationOid, oldTuple: readTuple(reader), keyOnly }
    }
    case 'T': {
      const count = reader.int32()
      reader.byte() // option bits
      const relationOids: number[] = []
      for (let index = 0; index < count; index++) relationOids.push(reader.uint32())
      return { kind: 'truncate', relationOids }
    }
    default:
      return { kind: 'ignored', tag }
  }
}
