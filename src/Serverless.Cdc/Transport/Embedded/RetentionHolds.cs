using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// Retention holds: <c>holds/p0003/CONSUMER.hold</c> holds the next sequence number the consumer needs from the
/// partition (written atomically by rename). Retention never removes a segment with a sequence at or above the lowest
/// hold. A hold is not a checkpoint (the writer's checkpoint is its Delta <c>txn</c>) and not ownership; a stale hold
/// only keeps more than needed.
/// </summary>
internal sealed partial class RetentionHolds(string root)
{
    public void Set(string consumer, int partition, long nextSequenceNeeded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextSequenceNeeded);
        var path = PathOf(consumer, partition);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var staging = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(staging, nextSequenceNeeded.ToString(CultureInfo.InvariantCulture));
        File.Move(staging, path, overwrite: true);
    }

    public void Remove(string consumer, int partition) => File.Delete(PathOf(consumer, partition));

    /// <summary>The lowest sequence any consumer still needs from the partition, or null when none holds it.</summary>
    public long? Lowest(int partition)
    {
        var directory = SegmentFiles.PartitionDirectory(Path.Combine(root, "holds"), partition);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        long? lowest = null;
        foreach (var path in Directory.EnumerateFiles(directory, "*.hold"))
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (FileNotFoundException)
            {
                continue; // removed meanwhile
            }

            if (!long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                throw new ChangeLogConfigurationException($"Retention hold '{path}' does not hold a sequence number ('{text}'); delete it or write the consumer's next sequence number into it.");
            }

            lowest = lowest is { } l ? Math.Min(l, sequence) : sequence;
        }

        return lowest;
    }

    private string PathOf(string consumer, int partition)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (!ConsumerName().IsMatch(consumer))
        {
            throw new ArgumentException($"Consumer name '{consumer}' must be 1 to 100 letters, digits, '.', '_' or '-' (it names a file).", nameof(consumer));
        }

        return Path.Combine(SegmentFiles.PartitionDirectory(Path.Combine(root, "holds"), partition), consumer + ".hold");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex ConsumerName();
}
