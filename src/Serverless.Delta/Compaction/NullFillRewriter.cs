using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Parquet;

namespace Serverless.Delta.Compaction;

/// <summary>
/// Rewrites live files with the nulls of some columns filled (<see cref="NullFill"/>), one output per input, through the
/// compactor's streaming file rewrite (<see cref="BinRewriter"/>): deletion vectors applied (deleted rows dropped),
/// statistics written like every data file, memory about one row group whatever the file's size. Files are read through
/// the given snapshot's schema, so a column a file predates reads as null and is filled. Nothing is committed here: the
/// caller stages the rewrites (<see cref="Stage"/>) in the commit that makes the change they belong to (a schema change),
/// so readers see the table either before it or after it; outputs of a commit that does not happen are deleted
/// (<see cref="AbandonAsync"/>) or left for vacuum.
/// </summary>
public static class NullFillRewriter
{
    /// <summary>
    /// The live files of <paramref name="snapshot"/> that may hold a row to fill. Statistics rule a file out when none of
    /// the filled columns has a null in it, or when every row is at or above the bound.
    /// </summary>
    public static IReadOnlyList<AddFile> Candidates(Snapshot snapshot, NullFill fill)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(fill);
        var fields = fill.Values.Keys.Select(name => Field(snapshot, name)).ToArray();
        var below = fill.BelowColumn is null ? null : Field(snapshot, fill.BelowColumn);
        var files = new List<AddFile>();
        foreach (var file in snapshot.Files)
        {
            if (file.Stats is null)
            {
                files.Add(file);
                continue;
            }

            try
            {
                using var stats = JsonDocument.Parse(file.Stats);
                var root = stats.RootElement;
                var mayHoldNull = fields.Any(f => !NoNulls(root, f));
                var allAbove = below is not null && Stat(root, "minValues", below) is { } min && DeltaValues.Compare(min, fill.BelowValue!) >= 0;
                if (mayHoldNull && !allAbove)
                {
                    files.Add(file);
                }
            }
            catch (JsonException)
            {
                files.Add(file);
            }
        }

        return files;
    }

    /// <summary>
    /// Rewrites <paramref name="file"/>, a live file of <paramref name="snapshot"/>, into one new file with the fill applied.
    /// The output is uploaded but not committed.
    /// </summary>
    public static async Task<NullFillRewrite> RewriteAsync(Snapshot snapshot, AddFile file, NullFill fill, ParquetWriterOptions? writerOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(fill);
        var columns = new DataFileWriter(snapshot, writerOptions).DataColumns;
        var values = new object?[columns.Count];
        foreach (var (name, value) in fill.Values)
        {
            var at = IndexOf(columns, name) ?? throw new ArgumentException($"Column '{name}' to fill is not a data column of {snapshot.Describe()}.", nameof(fill));
            values[at] = value;
        }

        var below = -1;
        if (fill.BelowColumn is not null && !AllBelow(snapshot, file, fill))
        {
            below = IndexOf(columns, fill.BelowColumn) ?? throw new ArgumentException($"Column '{fill.BelowColumn}' is not a data column of {snapshot.Describe()}.", nameof(fill));
        }

        var resolved = new ResolvedNullFill(values, below, fill.BelowValue);
        var bin = new CompactionBin(file.PartitionValues, [file], file.Size, file.DeletionVector?.Cardinality ?? 0);
        var rewritten = await BinRewriter.RewriteAsync(snapshot, bin, writerOptions, cancellationToken, resolved).ConfigureAwait(false);
        return new NullFillRewrite(file, rewritten.Output is { } output ? output with { DataChange = true } : null, rewritten.RowsRead, rewritten.RowsWritten, resolved.Filled);
    }

    /// <summary>Stages each rewrite in <paramref name="tx"/>: its input removed and its output added.</summary>
    public static void Stage(DeltaTransaction tx, IEnumerable<NullFillRewrite> rewrites)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(rewrites);
        foreach (var rewrite in rewrites)
        {
            tx.Remove(rewrite.Input);
            if (rewrite.Output is not null)
            {
                tx.Add(rewrite.Output);
            }
        }
    }

    /// <summary>Deletes outputs no commit references (the commit they were written for did not happen, so no reader can need them).</summary>
    public static async Task AbandonAsync(TableLocation location, IEnumerable<NullFillRewrite> rewrites, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(rewrites);
        foreach (var rewrite in rewrites)
        {
            if (rewrite.Output is not null)
            {
                await location.Store.DeleteAsync(location.ResolveActionPath(rewrite.Output.Path), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True when the file's statistics show every row below the bound, so rows need no test.</summary>
    private static bool AllBelow(Snapshot snapshot, AddFile file, NullFill fill)
    {
        if (file.Stats is null)
        {
            return false;
        }

        try
        {
            using var stats = JsonDocument.Parse(file.Stats);
            return Stat(stats.RootElement, "maxValues", Field(snapshot, fill.BelowColumn!)) is { } max && DeltaValues.Compare(max, fill.BelowValue!) < 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static StructField Field(Snapshot snapshot, string name) =>
        snapshot.Schema.FindField(name) ?? throw new ArgumentException($"Column '{name}' is not in the schema of {snapshot.Describe()}.", nameof(name));

    private static int? IndexOf(IReadOnlyList<StructField> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }

    private static object? Stat(JsonElement root, string kind, StructField field) =>
        root.TryGetProperty(kind, out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(field.PhysicalName, out var v)
            ? DeltaValues.FromStats(v, field.Type)
            : null;

    /// <summary>True when the statistics count no null in the column (a column the file predates has no count, so it may).</summary>
    private static bool NoNulls(JsonElement root, StructField field) =>
        root.TryGetProperty("nullCount", out var counts) && counts.ValueKind == JsonValueKind.Object
        && counts.TryGetProperty(field.PhysicalName, out var count) && count.ValueKind == JsonValueKind.Number && count.GetInt64() == 0;
}
