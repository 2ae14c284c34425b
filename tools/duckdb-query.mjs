// Runs one SQL statement in an in-memory DuckDB and prints the result as JSON:
// {"columns":[{"name":..,"type":..}], "rows":[[..],..]}. Used by tests and benchmarks as an
// independent Parquet reader and writer. Usage: node duckdb-query.mjs "SQL" (or SQL on stdin).
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const sql = process.argv[2] ?? readFileSync(0, 'utf8');
const threads = process.env.DUCKDB_THREADS;
try {
  const db = await DuckDBInstance.create(':memory:', threads ? { threads } : {});
  const conn = await db.connect();
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map(t => t.toString());
  const rows = reader.getRowsJson();
  process.stdout.write(JSON.stringify({ columns: names.map((n, i) => ({ name: n, type: types[i] })), rows }));
} catch (e) {
  process.stderr.write(String(e?.message ?? e));
  process.exit(2);
}
