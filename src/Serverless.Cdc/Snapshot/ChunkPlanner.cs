using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Snapshot;

/// <summary>
/// Splits a table into <see cref="SnapshotChunk"/>s of about <c>chunkRows</c> rows.
/// <list type="bullet">
/// <item>Single integer key: MIN..MAX is cut into equal ranges; each range's row count is estimated by the index
/// (EXPLAIN, an index dive, no scan). Ranges holding far more than a chunk (skew: clustered ids among sparse ones) are
/// sub-split at sampled boundaries; runs of near-empty ranges (sparse ids) are merged.</item>
/// <item>Other keys (composite, strings, temporals, decimals): one streaming, index-ordered scan of the key columns
/// only takes every chunkRows-th key as a boundary. Never OFFSET, which rescans from the start for each boundary.</item>
/// </list>
/// Keys with a nullable column (only possible with a key override) give one chunk: NULL falls outside every range.
/// </summary>
public sealed class ChunkPlanner
{
    /// <summary>A range estimated above this many chunks' worth of rows is sub-split by sampling.</summary>
    private const double SkewFactor = 2.0;
    private const int MaxRanges = 10_000;
    private readonly ILogger logger;

    public ChunkPlanner(ILogger? logger = null) => this.logger = logger ?? NullLogger.Instance;

    /// <summary>Plans the chunks of <paramref name="table"/> using <paramref name="connection"/> (session settings are changed).</summary>
    public async Task<IReadOnlyList<SnapshotChunk>> PlanAsync(MySqlConnection connection, SourceTable table, long chunkRows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        if (!table.HasKey)
        {
            throw new InvalidOperationException(
                $"Table {table.QualifiedName} has no primary key, no unique NOT NULL key and no key override, so it cannot be split into chunks. " +
                $"Add a primary key, or name key columns in the job spec: \"keys\": {{\"{table.QualifiedName}\": [\"col\", ...]}}.");
        }

        await SourceSession.PrepareAsync(connection, cancellationToken).ConfigureAwait(false);
        var keys = table.KeyColumnDefinitions();
        var ranges = new List<Range>();
        if (keys.Any(k => k.IsNullable))
        {
            logger.LogWarning("Key of {Table} has nullable columns ({Key}); reading it as one chunk", table.QualifiedName, string.Join(", ", table.KeyColumns));
            ranges.Add(new Range(null, null, table.RowEstimate));
        }
        else if (table.RowEstimate <= chunkRows && table.RowEstimate >= 0 && !await HasMoreRowsThanAsync(connection, table, chunkRows, cancellationToken).ConfigureAwait(false))
        {
            ranges.Add(new Range(null, null, table.RowEstimate));
        }
        else if (keys.Count == 1 && KeyColumnKind.IsInteger(keys[0]))
        {
            ranges.AddRange(await PlanIntegerAsync(connection, table, keys[0], chunkRows, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            ranges.AddRange(await SampleAsync(connection, table, keys, null, null, chunkRows, cancellationToken).ConfigureAwait(false));
        }

        var chunks = new SnapshotChunk[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            chunks[i] = new SnapshotChunk
            {
                Database = table.Database,
                Table = table.Name,
                Index = i,
                Count = ranges.Count,
                KeyColumns = table.KeyColumns,
                Lower = ranges[i].Lower,
                Upper = ranges[i].Upper,
                RowEstimate = Math.Max(0, ranges[i].Rows),
            };
        }

        logger.LogInformation("Planned {Chunks} chunks for {Table} (~{Rows} rows, key {Key})", chunks.Length, table.QualifiedName, table.RowEstimate, string.Join(", ", table.KeyColumns));
        return chunks;
    }

    private sealed record Range(IReadOnlyList<KeyValue>? Lower, IReadOnlyList<KeyValue>? Upper, long Rows);

    /// <summary>
    /// Row estimates can be stale (or cached for a day on MySQL 8): check that a "small" table really is, by counting
    /// at most rows + 1 rows (a bounded scan).
    /// </summary>
    private static async Task<bool> HasMoreRowsThanAsync(MySqlConnection connection, SourceTable table, long rows, CancellationToken cancellationToken)
    {
        var limit = (rows + 1).ToString(CultureInfo.InvariantCulture);
        var sql = $"SELECT COUNT(*) FROM (SELECT 1 FROM {SqlText.Table(table.Database, table.Name)} LIMIT {limit}) AS probe";
        var count = await connection.QueryScalarAsync(sql, cancellationToken).ConfigureAwait(false);
        return long.Parse(count ?? "0", CultureInfo.InvariantCulture) > rows;
    }

    private async Task<List<Range>> PlanIntegerAsync(MySqlConnection connection, SourceTable table, SourceColumn key, long chunkRows, CancellationToken cancellationToken)
    {
        var id = SqlText.Identifier(key.Name);
        var from = SqlText.Table(table.Database, table.Name);
        var minMax = await connection.QueryTextRowsAsync($"SELECT MIN({id}), MAX({id}) FROM {from}", cancellationToken).ConfigureAwait(false);
        if (minMax.Count == 0 || minMax[0][0] is null)
        {
            return [new Range(null, null, 0)];
        }

        var min = Int128.Parse(minMax[0][0]!, CultureInfo.InvariantCulture);
        var max = Int128.Parse(minMax[0][1]!, CultureInfo.InvariantCulture);
        var estimate = Math.Max(table.RowEstimate, chunkRows + 1);
        var count = (int)Math.Clamp((estimate + chunkRows - 1) / chunkRows, 1, MaxRanges);
        var span = max - min + 1;
        var step = (span + count - 1) / count;
        if (step < 1)
        {
            step = 1;
        }

        // Interior boundaries min + i*step; the outer bounds stay open.
        var bounds = new List<Int128?> { null };
        for (var b = min + step; b <= max; b += step)
        {
            bounds.Add(b);
        }

        bounds.Add(null);
        var pieces = new List<Range>(bounds.Count);
        for (var i = 0; i + 1 < bounds.Count; i++)
        {
            var lower = bounds[i] is { } l ? Integer(l) : null;
            var upper = bounds[i + 1] is { } u ? Integer(u) : null;
            var rows = await EstimateRowsAsync(connection, table, [key], lower, upper, cancellationToken).ConfigureAwait(false);
            if (rows > SkewFactor * chunkRows)
            {
                logger.LogDebug("Range {Lower}..{Upper} of {Table} holds ~{Rows} rows; sub-splitting by sampled keys", bounds[i], bounds[i + 1], table.QualifiedName, rows);
                pieces.AddRange(await SampleAsync(connection, table, [key], lower, upper, chunkRows, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                pieces.Add(new Range(lower, upper, rows));
            }
        }

        return MergeSmall(pieces, chunkRows);
    }

    private static IReadOnlyList<KeyValue> Integer(Int128 value) => [new KeyValue(KeyValueKind.Number, value.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Joins neighbouring ranges while their estimates together stay within a chunk (sparse ids leave many near-empty ranges).</summary>
    private static List<Range> MergeSmall(List<Range> pieces, long chunkRows)
    {
        var merged = new List<Range>(pieces.Count);
        foreach (var p in pieces)
        {
            if (merged.Count > 0 && merged[^1].Rows + p.Rows <= chunkRows)
            {
                var last = merged[^1];
                merged[^1] = new Range(last.Lower, p.Upper, last.Rows + p.Rows);
            }
            else
            {
                merged.Add(p);
            }
        }

        return merged;
    }

    /// <summary>The optimizer's row estimate for a key range (EXPLAIN: index dives, no scan).</summary>
    private static async Task<long> EstimateRowsAsync(
        MySqlConnection connection, SourceTable table, IReadOnlyList<SourceColumn> keys, IReadOnlyList<KeyValue>? lower, IReadOnlyList<KeyValue>? upper, CancellationToken cancellationToken)
    {
        var where = KeysetPredicate.Build(keys, lower, upper);
        var sql = $"EXPLAIN SELECT {SqlText.Identifier(keys[0].Name)} FROM {SqlText.Table(table.Database, table.Name)}{ForceIndex(table)}" +
                  (where is null ? string.Empty : " WHERE " + where);
        var reader = await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rowsOrdinal = -1;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (string.Equals(reader.Columns[i].Name, "rows", StringComparison.OrdinalIgnoreCase))
                {
                    rowsOrdinal = i;
                }
            }

            long rows = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rowsOrdinal >= 0 && !reader.IsDBNull(rowsOrdinal))
                {
                    rows = Math.Max(rows, reader.GetInt64(rowsOrdinal));
                }
            }

            return rows;
        }
    }

    /// <summary>
    /// Streams the key columns of [lower, upper) in key order and takes every <paramref name="chunkRows"/>-th key as a
    /// boundary (skipping a key equal to the previous boundary, which a non-unique override key can repeat).
    /// </summary>
    private static async Task<List<Range>> SampleAsync(
        MySqlConnection connection,
        SourceTable table,
        IReadOnlyList<SourceColumn> keys,
        IReadOnlyList<KeyValue>? lower,
        IReadOnlyList<KeyValue>? upper,
        long chunkRows,
        CancellationToken cancellationToken)
    {
        var where = KeysetPredicate.Build(keys, lower, upper);
        var orderBy = string.Join(", ", keys.Select(k => SqlText.Identifier(k.Name)));
        var sql = $"SELECT {string.Join(", ", keys.Select(KeyColumnKind.SampleExpression))} FROM {SqlText.Table(table.Database, table.Name)}{ForceIndex(table)}" +
                  (where is null ? string.Empty : " WHERE " + where) + $" ORDER BY {orderBy}";
        var ranges = new List<Range>();
        var currentLower = lower;
        long rowsInRange = 0;
        var reader = await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var values = new string[keys.Count];
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rowsInRange >= chunkRows)
                {
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = reader.GetString(i);
                    }

                    var boundary = keys.Select((k, i) => KeyColumnKind.FromSample(k, values[i])).ToArray();
                    if (currentLower is null || !currentLower.SequenceEqual(boundary))
                    {
                        ranges.Add(new Range(currentLower, boundary, rowsInRange));
                        currentLower = boundary;
                        rowsInRange = 0;
                    }
                }

                rowsInRange++;
            }
        }

        ranges.Add(new Range(currentLower, upper, rowsInRange));
        return ranges;
    }

    private static string ForceIndex(SourceTable table) =>
        table.KeyIndex is null ? string.Empty : $" FORCE INDEX ({SqlText.Identifier(table.KeyIndex)})";
}
