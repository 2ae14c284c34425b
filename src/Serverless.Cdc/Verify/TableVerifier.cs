using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Delta;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Verify;

/// <summary>
/// Compares one source table with its lake table. The key space is cut into the snapshot's chunks
/// (<see cref="ChunkPlanner"/>); per range the server computes count, BIT_XOR and SUM of a per-row CRC-32 over the
/// canonical text of the mapped columns (<see cref="CanonicalRow"/>), and the same is computed here over one Delta version
/// of the lake table. A range that differs is split on its integer first key column into <see cref="VerifyOptions.SplitWays"/>
/// pieces, each checksummed again, until a differing piece holds at most <see cref="VerifyOptions.CompareRowsAtMost"/> rows;
/// those rows' canonical fields are then fetched from both sides and compared by key (keys led by another type are compared
/// row by row at the first level). Every query of one pass runs in one consistent read view, whose binlog position is
/// reported with the lake version; ranges that still differ are compared again (<see cref="VerifyOptions.Rechecks"/>)
/// against a new read view and the lake's newest version before they are reported, since a lake fed by a capture trails
/// its source.
/// </summary>
public sealed class TableVerifier
{
    private readonly MySqlConnectionOptions source;
    private readonly TypeMappingOptions types;
    private readonly VerifyOptions options;
    private readonly ILogger logger;
    private readonly bool softDelete;

    /// <param name="softDelete">The job's <c>target.softDelete</c>: lake rows marked <c>_cdc_deleted</c> are deleted rows and are left out.</param>
    public TableVerifier(MySqlConnectionOptions source, TypeMappingOptions? types = null, VerifyOptions? options = null, ILogger? logger = null, bool softDelete = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
        this.types = types ?? new TypeMappingOptions();
        this.options = options ?? new VerifyOptions();
        this.logger = logger ?? NullLogger.Instance;
        this.softDelete = softDelete;
    }

    /// <summary>Verifies <paramref name="table"/> against <paramref name="lake"/>, the lake table named <paramref name="lakeTable"/>.</summary>
    public async Task<TableVerification> VerifyAsync(SourceTable table, string lakeTable, DeltaTable lake, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(lake);
        if (!table.HasKey)
        {
            throw new VerificationException(
                $"Table {table.QualifiedName} has no primary key, no unique NOT NULL key and no key override, so its rows cannot be matched with the lake's. " +
                $"Name key columns in the job spec: \"keys\": {{\"{table.QualifiedName}\": [\"col\", ...]}}.");
        }

        var mapping = TypeMapper.Map(table, types);
        var columns = mapping.Columns.Select(c => new CanonicalColumn(c, types)).ToArray();
        var missingInLake = columns.Where(c => lake.Snapshot.Schema.FindField(c.Name) is null).Select(c => c.Name).ToList();
        if (missingInLake.Count > 0)
        {
            throw new VerificationException(
                $"Lake table {lakeTable} (version {lake.Snapshot.Version}) has no column {string.Join(", ", missingInLake)} of {table.QualifiedName}: its schema has not caught up with the source. " +
                "Run the job (serverless run) so schema migration adds them, then verify again.");
        }

        var keyOrdinals = table.KeyColumns
            .Select(k => Array.FindIndex(columns, c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase)))
            .ToArray();

        var connection = await MySqlConnection.OpenAsync(source with { Name = $"{source.Name} verify {table.QualifiedName}" }, logger, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await SourceSession.PrepareAsync(connection, cancellationToken).ConfigureAwait(false);
            var chunks = await new ChunkPlanner(logger).PlanAsync(connection, table, ChunkPlanner.RowsPerChunk(table, options.ChunkRows, options.ChunkBytes), cancellationToken).ConfigureAwait(false);
            var order = await KeyOrder.CreateAsync(connection, table, cancellationToken).ConfigureAwait(false);
            var ranges = new List<KeyRange>(chunks.Count);
            foreach (var chunk in chunks)
            {
                ranges.Add(new KeyRange(
                    chunk.Lower,
                    chunk.Upper,
                    chunk.Lower is null ? null : await order.BoundAsync(connection, chunk.Lower, cancellationToken).ConfigureAwait(false),
                    chunk.Upper is null ? null : await order.BoundAsync(connection, chunk.Upper, cancellationToken).ConfigureAwait(false)));
            }

            // Collation weights for lake keys are asked while the read view's connection computes checksums.
            var weights = order.NeedsWeights
                ? await MySqlConnection.OpenAsync(source with { Name = $"{source.Name} verify {table.QualifiedName} key order" }, logger, cancellationToken).ConfigureAwait(false)
                : connection;
            try
            {
                if (!ReferenceEquals(weights, connection))
                {
                    await SourceSession.PrepareAsync(weights, cancellationToken).ConfigureAwait(false);
                }

                return await CompareAsync(table, lakeTable, lake, columns, keyOrdinals, connection, weights, order, chunks.Count, ranges, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!ReferenceEquals(weights, connection))
                {
                    await weights.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<TableVerification> CompareAsync(
        SourceTable table,
        string lakeTable,
        DeltaTable lake,
        CanonicalColumn[] columns,
        int[] keyOrdinals,
        MySqlConnection connection,
        MySqlConnection weights,
        KeyOrder order,
        int chunks,
        List<KeyRange> ranges,
        CancellationToken cancellationToken)
    {
        var reader = new SourceRangeReader(connection, table, columns);
        var comparison = new RangeComparison(reader, columns, keyOrdinals, order, options);
        PassOutcome? first = null;
        PassOutcome outcome;
        var pass = 0;
        var checksummed = 0;
        while (true)
        {
            pass++;
            var position = await reader.BeginReadViewAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = await lake.RefreshAsync(cancellationToken).ConfigureAwait(false);
            var scanner = new LakeRangeScanner(snapshot, columns, keyOrdinals, order, weights, softDelete && snapshot.Schema.FindField(CdcColumns.Deleted) is not null);
            outcome = await comparison.CompareAsync(scanner, ranges, cancellationToken).ConfigureAwait(false) with { SourcePosition = position, LakeVersion = snapshot.Version };
            await reader.EndReadViewAsync(cancellationToken).ConfigureAwait(false);
            first ??= outcome;
            checksummed += outcome.RangesChecksummed;
            logger.LogInformation(
                "Verify {Table} pass {Pass}: source at {Position} vs lake {LakeTable} version {Version}: {Differences} differing rows in {Ranges} ranges",
                table.QualifiedName, pass, position ?? "(no binlog position)", lakeTable, snapshot.Version, outcome.Differences.Total, outcome.DifferingRanges.Count);
            if (outcome.Differences.Total == 0 || pass > options.Rechecks)
            {
                break;
            }

            // The lake may not have caught up with the source yet: look at the differing ranges again, later.
            ranges = outcome.DifferingRanges;
            await Task.Delay(options.RecheckDelay, cancellationToken).ConfigureAwait(false);
        }

        var differences = outcome.Differences;
        return new TableVerification
        {
            SourceTable = table.QualifiedName,
            LakeTable = lakeTable,
            LakeVersion = outcome.LakeVersion,
            SourcePosition = outcome.SourcePosition,
            SourceRows = first.SourceRows,
            LakeRows = first.LakeRows,
            Ranges = chunks,
            RangesChecksummed = checksummed,
            Passes = pass,
            Missing = differences.Count(DifferenceKind.Missing),
            Extra = differences.Count(DifferenceKind.Extra),
            Different = differences.Count(DifferenceKind.Different),
            Duplicate = differences.Count(DifferenceKind.Duplicate),
            Differences = differences.Kept
                .OrderBy(d => d.Kind)
                .ThenBy(d => d.Key, StringComparer.Ordinal)
                .Take(options.MaxReportedDifferences)
                .ToList(),
        };
    }
}
