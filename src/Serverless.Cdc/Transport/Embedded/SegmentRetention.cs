namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// Removes a partition's closed segments, oldest first, while the policy says so and no retention hold needs them.
/// It stops at the first segment it keeps, so what remains is always one contiguous run of sequence numbers.
/// </summary>
internal static class SegmentRetention
{
    public static IReadOnlyList<long> Apply(string partitionDirectory, RetentionPolicy policy, long? lowestHold, DateTimeOffset now)
    {
        var bases = SegmentFiles.ListBases(partitionDirectory);
        var sizes = bases.Select(b => Size(SegmentFiles.SegmentPath(partitionDirectory, b))).ToArray();
        var total = sizes.Sum();
        var removed = new List<long>();

        // The newest segment is the active one; it is never removed.
        for (var i = 0; i < bases.Count - 1; i++)
        {
            var path = SegmentFiles.SegmentPath(partitionDirectory, bases[i]);
            var lastSequence = bases[i + 1] - 1;
            if (lowestHold is { } hold && lastSequence >= hold)
            {
                break;
            }

            var overSize = policy.MaxBytesPerPartition is { } maxBytes && total > maxBytes;
            var tooOld = policy.MaxAge is { } maxAge && new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) < now - maxAge;
            if (!overSize && !tooOld)
            {
                break;
            }

            File.Delete(path);
            File.Delete(SegmentFiles.IndexPath(path));
            total -= sizes[i];
            removed.Add(bases[i]);
        }

        return removed;
    }

    private static long Size(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }
}
