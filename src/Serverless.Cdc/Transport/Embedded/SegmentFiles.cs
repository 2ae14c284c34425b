using System.Globalization;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// Where a partition's files are: <c>p0003/</c> holds segments named by their first sequence number
/// (<c>00000000000000004096.seg</c>) and a sparse index beside each (<c>.idx</c>).
/// </summary>
internal static class SegmentFiles
{
    public static string PartitionDirectory(string root, int partition) =>
        Path.Combine(root, "p" + partition.ToString("D4", CultureInfo.InvariantCulture));

    public static string SegmentPath(string partitionDirectory, long baseSequence) =>
        Path.Combine(partitionDirectory, baseSequence.ToString("D20", CultureInfo.InvariantCulture) + ".seg");

    public static string IndexPath(string segmentPath) => Path.ChangeExtension(segmentPath, ".idx");

    /// <summary>The first sequence numbers of the partition's segments, ascending.</summary>
    public static List<long> ListBases(string partitionDirectory)
    {
        var bases = new List<long>();
        if (!Directory.Exists(partitionDirectory))
        {
            return bases;
        }

        foreach (var path in Directory.EnumerateFiles(partitionDirectory, "*.seg"))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                bases.Add(b);
            }
        }

        bases.Sort();
        return bases;
    }
}
