using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Snapshot;

/// <summary>
/// Splits a table into <see cref="SnapshotChunk"/>s of about <c>chunkRows</c> rows.
/// <list type="bullet">
/// <item>Indexed key whose first column is an integer: MIN..MAX of that column is cut into equal ranges. Ranges of the
/// leading column alone tile the table whatever columns follow it, so a composite key such as <c>(id, from_date)</c> is
/// planned like a single one, with chunk bounds on <c>id</c> only. When the key is a single unique column (primary key,
/// unique NOT NULL key, or an override backed by a unique index of that column) a range can hold no more rows than its
/// width, so a range at most <see cref="SkewFactor"/> chunks wide is taken as is: a dense key is planned from MIN/MAX
/// alone, with no estimate and no scan. Other ranges get the optimizer's estimate (EXPLAIN, an index dive); for a
/// column that repeats values, the estimates are first scaled by how far their sum exceeds the table's row count
/// (InnoDB doubles estimates taken from pages), at most by that doubling. A range still estimated above the skew limit
/// is counted with a scan bounded by that limit, and only a range that really holds more (clustered ids among sparse
/// ones, one id with many rows) is sub-split at sampled keys of the whole key. Near-empty and small ranges are
/// merged.</item>
/// <item>Other keys (strings, temporals, decimals first, an override without an index): one streaming, index-ordered
/// scan of the key columns only takes every chunkRows-th key as a boundary. Never OFFSET, which rescans from the start
/// for each boundary. A last remainder under half a chunk joins the chunk before it.</item>
/// </list>
/// Keys with a nullable column (only possible with a key override) give one chunk: NULL falls outside every range.
/// </summary>
public sealed class ChunkPlanner
{
    /// <summary>A range holding more than this many chunks' worth of rows is sub-split by sampling.</summary>
    private const double SkewFactor = 2.0;

    /// <summary>The most a sum of range estimates is taken to overstate the table's rows: InnoDB doubles estimates from pages.</summary>
    private const double MaxOverestimate = 2.0;
    private const int MaxRanges = 10_000;
    private readonly ILogger logger;

    public ChunkPlanner(ILogger? logger = null) => this.logger = logger ?? NullLogger.Instance;

    /// <summary>
    /// Rows a chunk of <paramref name="table"/> is planned with: <paramref name="chunkRows"/>, or as many rows as
    /// <paramref name="chunkBytes"/> holds at the table's average row size (DATA_LENGTH / TABLE_ROWS) when that is more.
    /// A chunk's fixed cost (connection, read view, Parquet file, orchestration steps) is paid per chunk, not per byte,
    /// so narrow rows get proportionally more of them. 0 bytes, or a table without size estimates, gives chunkRows.
    /// </summary>
    public static long RowsPerChunk(SourceTable table, long chunkRows, long chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        if (chunkBytes <= 0 || table.RowEstimate <= 0 || table.DataLength <= 0)
        {
            return chunkRows;
        }

        var averageRowBytes = Math.Max(1.0, (double)table.DataLength / table.RowEstimate);
        return Math.Max(chunkRows, (long)Math.Min(chunkBytes / averageRowBytes, 100_000_000));
    }

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
        var ranges = new List<PlannedRange>();
        if (keys.Any(k => k.IsNullable))
        {
            logger.LogWarning("Key of {Table} has nullable columns ({Key}); reading it as one chunk", table.QualifiedName, string.Join(", ", table.KeyColumns));
            ranges.Add(new PlannedRange(null, null, table.RowEstimate));
        }
        else if (KeyColumnKind.IsInteger(keys[0]) && table.KeyIndex is not null)
        {
            // MIN/MAX bound a unique integer key's rows, so a small table needs no counting scan (which cost the server
            // 0.7 s of CPU for 50 tables of 100k rows); a leading integer column of a composite key spares the scan of
            // every key that sampled boundaries need (3M keys of (INT, DATE): 0.4 s of server CPU, on the job's critical path).
            ranges.AddRange(await PlanIntegerAsync(connection, table, keys, chunkRows, cancellationToken).ConfigureAwait(false));
        }
        else if (table.RowEstimate <= chunkRows && table.RowEstimate >= 0 &&
                 await CountRowsUpToAsync(connection, table, keys, null, null, chunkRows + 1, cancellationToken).ConfigureAwait(false) <= chunkRows)
        {
            ranges.Add(new PlannedRange(null, null, table.RowEstimate));
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

    private async Task<List<PlannedRange>> PlanIntegerAsync(MySqlConnection connection, SourceTable table, IReadOnlyList<SourceColumn> keys, long chunkRows, CancellationToken cancellationToken)
    {
        var key = keys[0];
        var id = SqlText.Identifier(key.Name);
        var from = SqlText.Table(table.Database, table.Name);
        var minMax = await connection.QueryTextRowsAsync($"SELECT MIN({id}), MAX({id}) FROM {from}", cancellationToken).ConfigureAwait(false);
        if (minMax.Count == 0 || minMax[0][0] is null)
        {
            return [new PlannedRange(null, null, 0)];
        }

        var min = Int128.Parse(minMax[0][0]!, CultureInfo.InvariantCulture);
        var max = Int128.Parse(minMax[0][1]!, CultureInfo.InvariantCulture);
        var isUnique = keys.Count == 1 && (table.KeySource is TableKeySource.PrimaryKey or TableKeySource.UniqueNotNull ||
            await IsSingleColumnUniqueIndexAsync(connection, table, cancellationToken).ConfigureAwait(false));

        // A stale estimate only sets how many ranges to try: a range wider than the skew limit is checked below.
        var estimate = Math.Max(table.RowEstimate, 1);
        var ranges = IntegerKeyRange.Split(min, max, IntegerKeyRange.Count(min, max, estimate, chunkRows, isUnique, MaxRanges));
        var skewRows = (long)(SkewFactor * chunkRows);
        var fill = IntegerKeyRange.Fill(min, max, estimate);
        var bounds = ranges.Select(r => (Lower: r.Lower is { } l ? Integer(l) : null, Upper: r.Upper is { } u ? Integer(u) : null)).ToArray();

        // A unique key holds at most one row per value: a range within the skew limit cannot be skewed, so it needs no query.
        var rows = new long?[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            if (isUnique && ranges[i].Width <= skewRows)
            {
                rows[i] = (long)Math.Ceiling((double)ranges[i].Width * fill);
            }
        }

        var explained = 0;
        var estimates = new long[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            if (rows[i] is null)
            {
                explained++;
                estimates[i] = await EstimateRowsAsync(connection, table, [key], bounds[i].Lower, bounds[i].Upper, cancellationToken).ConfigureAwait(false);
                estimates[i] = isUnique ? (long)Int128.Min(estimates[i], ranges[i].Width) : estimates[i];
            }
        }

        // Every range of a repeating column was estimated: their sum against the table's rows shows how far EXPLAIN
        // overstates them here (about 2x on MariaDB), which would otherwise send every range to a counting scan.
        var overestimate = isUnique ? 1.0 : Math.Clamp(estimates.Sum() / (double)estimate, 1.0, MaxOverestimate);
        var pieces = new List<PlannedRange>(ranges.Count);
        var counted = 0;
        var sampled = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var (lower, upper) = bounds[i];
            if (rows[i] is { } known)
            {
                pieces.Add(new PlannedRange(lower, upper, known));
                continue;
            }

            var expected = (long)Math.Ceiling(estimates[i] / overestimate);
            if (expected > skewRows)
            {
                // EXPLAIN overestimates ranges (MariaDB by about 2x on a dense primary key): count, at most one row past
                // the limit, before paying for a sampling scan of the whole range.
                counted++;
                expected = await CountRowsUpToAsync(connection, table, [key], lower, upper, skewRows + 1, cancellationToken).ConfigureAwait(false);
                if (expected > skewRows)
                {
                    sampled++;
                    logger.LogDebug("Range {Lower}..{Upper} of {Table} holds over {Rows} rows; sub-splitting by sampled keys", ranges[i].Lower, ranges[i].Upper, table.QualifiedName, skewRows);
                    pieces.AddRange(await SampleAsync(connection, table, keys, lower, upper, chunkRows, cancellationToken).ConfigureAwait(false));
                    continue;
                }
            }

            pieces.Add(new PlannedRange(lower, upper, expected));
        }

        logger.LogDebug(
            "Integer key of {Table}: {Ranges} ranges, {Explained} estimated by EXPLAIN (overstated {Overestimate:0.00}x), {Counted} counted, {Sampled} sub-split",
            table.QualifiedName, ranges.Count, explained, overestimate, counted, sampled);
        return PlannedRange.MergeSmall(pieces, chunkRows);
    }

    /// <summary>
    /// Whether a key override's backing index is a unique index of that one column: then the override, like a primary
    /// key, holds at most one row per value. An override may name any columns, so this is asked, not assumed.
    /// </summary>
    private static async Task<bool> IsSingleColumnUniqueIndexAsync(MySqlConnection connection, SourceTable table, CancellationToken cancellationToken)
    {
        if (table.KeySource != TableKeySource.Override || table.KeyIndex is null)
        {
            return false;
        }

        var parts = await connection.QueryTextRowsAsync(
            "SELECT NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " + SqlText.String(table.Database) +
            " AND TABLE_NAME = " + SqlText.String(table.Name) + " AND INDEX_NAME = " + SqlText.String(table.KeyIndex),
            cancellationToken).ConfigureAwait(false);
        return parts.Count == 1 && parts[0][0] == "0";
    }

    private static IReadOnlyList<KeyValue> Integer(Int128 value) => [new KeyValue(KeyValueKind.Number, value.ToString(CultureInfo.InvariantCulture))];

    /// <summary>
    /// The rows of [lower, upper), counted no further than <paramref name="limit"/> (an index range scan of at most that
    /// many entries). Also the check that a "small" table really is one: row estimates can be stale (cached for a day
    /// on MySQL 8).
    /// </summary>
    private static async Task<long> CountRowsUpToAsync(
        MySqlConnection connection, SourceTable table, IReadOnlyList<SourceColumn> keys, IReadOnlyList<KeyValue>? lower, IReadOnlyList<KeyValue>? upper, long limit, CancellationToken cancellationToken)
    {
        var where = KeysetPredicate.Build(keys, lower, upper);
        var sql = $"SELECT COUNT(*) FROM (SELECT 1 FROM {SqlText.Table(table.Database, table.Name)}{ForceIndex(table)}" +
                  (where is null ? string.Empty : " WHERE " + where) + $" LIMIT {limit.ToString(CultureInfo.InvariantCulture)}) AS probe";
        var count = await connection.QueryScalarAsync(sql, cancellationToken).ConfigureAwait(false);
        return long.Parse(count ?? "0", CultureInfo.InvariantCulture);
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
    private static async Task<List<PlannedRange>> SampleAsync(
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
        var ranges = new List<PlannedRange>();
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
                        ranges.Add(new PlannedRange(currentLower, boundary, rowsInRange));
                        currentLower = boundary;
                        rowsInRange = 0;
                    }
                }

                rowsInRange++;
            }
        }

        if (ranges.Count > 0 && rowsInRange < chunkRows / 2)
        {
            // A remainder under half a chunk rides with the previous range rather than becoming a tiny chunk of its own.
            var last = ranges[^1];
            ranges[^1] = new PlannedRange(last.Lower, upper, last.Rows + rowsInRange);
        }
        else
        {
            ranges.Add(new PlannedRange(currentLower, upper, rowsInRange));
        }

        return ranges;
    }

    private static string ForceIndex(SourceTable table) =>
        table.KeyIndex is null ? string.Empty : $" FORCE INDEX ({SqlText.Identifier(table.KeyIndex)})";
}
