// Times SQL statements in one in-memory DuckDB session, for benchmarks that put our figure beside
// DuckDB's. Input (stdin, JSON): {"threads": 1, "setup": ["SQL", ...], "timed": {"name": "SQL", ...},
// "repeat": 3}. Setup runs untimed; each timed statement runs `repeat` times and the best wall time
// in milliseconds is printed as JSON {"name": ms, ..., "peak_rss_bytes": N}, so node's own start-up is
// never counted; peak_rss_bytes is the process's peak resident set: VmHWM of /proc/self/status where there is one,
// because getrusage's maxRSS survives exec and so reports the parent's size at fork when that was larger.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(0, 'utf8'));
try {
  const db = await DuckDBInstance.create(':memory:', { threads: String(spec.threads ?? 1) });
  const conn = await db.connect();
  for (const sql of spec.setup ?? []) await conn.run(sql);
  const out = {};
  for (const [name, sql] of Object.entries(spec.timed ?? {})) {
    let best = Infinity;
    for (let i = 0; i < (spec.repeat ?? 1); i++) {
      const t0 = process.hrtime.bigint();
      await conn.runAndReadAll(sql);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      best = Math.min(best, ms);
    }
    out[name] = best;
  }
  const hwm = existsSync('/proc/self/status') && /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  out.peak_rss_bytes = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) * 1024;
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stderr.write(String(e?.message ?? e));
  process.exit(2);
}
