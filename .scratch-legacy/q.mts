import postgres from 'postgres'
const sql = postgres(process.env.DATABASE_URL!)
console.table(await sql`select source_key, title, origin, source from sessions`)
console.table(await sql`select id, title, status, message_count, left(last_message_preview, 30) p, last_message_at from chat_threads order by id`)
console.table(await sql`select thread_id, seq, id, created_at, length(content) from chat_messages where thread_id like 'thread_9c19%' order by seq`)
await sql.end()
