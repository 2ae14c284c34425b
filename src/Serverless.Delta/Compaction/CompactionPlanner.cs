using System.Text;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Transactions;

namespace Serverless.Delta.Compaction;

/// <summary>
/// Chooses what to rewrite: per partition, the small files (below <see cref="CompactionOptions.SmallFileBytes"/>) and
/// the files whose deleted-row ratio reaches <see cref="CompactionOptions.DeletedRowRatioThreshold"/>, packed in size
/// order into bins of at most <see cref="CompactionOptions.TargetFileSize"/> input bytes (Spark OPTIMIZE's sequential
/// bin-packing). A bin is kept when it merges at least <see cref="CompactionOptions.MinInputFiles"/> files or holds a
/// DV-heavy file; a DV-heavy file at or above the target is a bin of its own.
/// </summary>
public static class CompactionPlanner
{
    public static CompactionPlan Plan(Snapshot snapshot, CompactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var groups = new Dictionary<string, List<AddFile>>(StringComparer.Ordinal);
        int liveFiles = 0, smallFiles = 0, heavyFiles = 0;
        long liveBytes = 0, smallBytes = 0, deletedRows = 0;
        foreach (var file in snapshot.Files)
        {
            liveFiles++;
            liveBytes += file.Size;
            deletedRows += file.DeletionVector?.Cardinality ?? 0;
            var small = IsSmall(file, options);
            var heavy = IsDeletionVectorHeavy(file, options);
            smallFiles += small ? 1 : 0;
            smallBytes += small ? file.Size : 0;
            heavyFiles += heavy ? 1 : 0;
            if (small || heavy)
            {
                var key = PartitionKey(file.PartitionValues);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                list.Add(file);
            }
        }

        var bins = new List<CompactionBin>();
        foreach (var key in groups.Keys.Order(StringComparer.Ordinal))
        {
            PackPartition(groups[key], options, bins);
        }

        var plannedFiles = bins.Sum(b => b.Files.Count);
        var plannedBytes = bins.Sum(b => b.Bytes);
        var backlog = new CompactionBacklog(snapshot.Version, liveFiles, liveBytes, smallFiles, smallBytes, heavyFiles, deletedRows, plannedFiles, plannedBytes);
        return new CompactionPlan(snapshot.Version, bins, backlog);
    }

    /// <summary>The backlog alone (for status views), without keeping the bins.</summary>
    public static CompactionBacklog MeasureBacklog(Snapshot snapshot, CompactionOptions options) => Plan(snapshot, options).Backlog;

    public static bool IsSmall(AddFile file, CompactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        return file.Size < options.SmallFileBytes;
    }

    /// <summary>True when the file's deletion vector hides at least the threshold share of its rows (needs numRecords; without it, never).</summary>
    public static bool IsDeletionVectorHeavy(AddFile file, CompactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        if (file.DeletionVector is not { Cardinality: > 0 } dv || DeltaTransaction.StatsNumRecords(file.Stats) is not { } records || records <= 0)
        {
            return false;
        }

        return (double)dv.Cardinality / records >= options.DeletedRowRatioThreshold;
    }

    private static void PackPartition(List<AddFile> files, CompactionOptions options, List<CompactionBin> bins)
    {
        // Size order (path on ties) makes the plan a function of the snapshot, so a re-plan after a conflict is predictable.
        files.Sort((a, b) => a.Size != b.Size ? a.Size.CompareTo(b.Size) : string.CompareOrdinal(a.Path, b.Path));
        var current = new List<AddFile>();
        long currentBytes = 0;
        foreach (var file in files)
        {
            if (file.Size >= options.TargetFileSize)
            {
                // Only a DV-heavy file gets here (small files are below the target): it is rewritten alone.
                Close([file], file.Size, options, bins);
                continue;
            }

            if (current.Count > 0 && currentBytes + file.Size > options.TargetFileSize)
            {
                Close(current, currentBytes, options, bins);
                current = [];
                currentBytes = 0;
            }

            current.Add(file);
            currentBytes += file.Size;
        }

        if (current.Count > 0)
        {
            Close(current, currentBytes, options, bins);
        }
    }

    private static void Close(List<AddFile> files, long bytes, CompactionOptions options, List<CompactionBin> bins)
    {
        var heavy = files.Any(f => IsDeletionVectorHeavy(f, options));
        if (files.Count >= options.MinInputFiles || heavy)
        {
            bins.Add(new CompactionBin(files[0].PartitionValues, files, bytes, files.Sum(f => f.DeletionVector?.Cardinality ?? 0)));
        }
    }

    private static string PartitionKey(IReadOnlyDictionary<string, string?> values)
    {
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var key = new StringBuilder();
        foreach (var (name, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            // Separators that cannot occur in names or values keep ("a", "b=c") apart from ("a=b", "c"); \u0002 marks a null value.
            key.Append(name).Append('\u0001').Append(value ?? "\u0002").Append('\u0000');
        }

        return key.ToString();
    }
}
