using System.Text.Json;

namespace Serverless.Testing;

/// <summary>
/// DuckDB as an independent Parquet reader and writer, through @duckdb/node-api and
/// tools/duckdb-query.mjs. Each call runs one statement in a fresh in-memory database.
/// </summary>
public static class DuckDb
{
    public sealed record Column(string Name, string Type);

    public sealed record QueryResult(IReadOnlyList<Column> Columns, IReadOnlyList<JsonElement[]> Rows);

    /// <summary>Runs <paramref name="sql"/> and returns columns (DuckDB type names) and rows as JSON values.</summary>
    public static async Task<QueryResult> QueryAsync(string sql, int? threads = null)
    {
        await LocalDependencies.EnsureDuckDbAsync();
        var env = threads is null ? null : new Dictionary<string, string> { ["DUCKDB_THREADS"] = threads.Value.ToString() };
        var r = await ProcessRunner.RunAsync("node", [Path.Combine(RepoPaths.Tools, "duckdb-query.mjs")], standardInput: sql, environment: env);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"DuckDB failed on: {sql}\n{r.StandardError}");
        }

        using var doc = JsonDocument.Parse(r.StandardOutput);
        var columns = doc.RootElement.GetProperty("columns").EnumerateArray()
            .Select(c => new Column(c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!)).ToList();
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList();
        return new QueryResult(columns, rows);
    }

    /// <summary>Quotes a path as a DuckDB string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
