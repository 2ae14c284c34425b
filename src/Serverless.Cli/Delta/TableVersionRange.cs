using Serverless.Delta.Log;

namespace Serverless.Cli.Delta;

/// <summary>
/// The versions a table can be read at: from commit 0 (or, after log cleanup, the oldest checkpoint) to the newest
/// commit or checkpoint. Used to tell a user which versions exist when the one asked for does not.
/// </summary>
internal sealed record TableVersionRange(long Earliest, long Latest)
{
    /// <summary>The range the log listing allows, or null when the listing holds no commit or checkpoint (no table).</summary>
    public static TableVersionRange? FromListing(IReadOnlyList<LogFile> listing)
    {
        long latest = -1;
        long earliestCheckpoint = long.MaxValue;
        var hasCommitZero = false;
        foreach (var f in listing)
        {
            switch (f.Kind)
            {
                case LogFileKind.Commit:
                    latest = Math.Max(latest, f.Version);
                    hasCommitZero |= f.Version == 0;
                    break;
                case LogFileKind.ClassicCheckpoint or LogFileKind.MultiPartCheckpoint:
                    latest = Math.Max(latest, f.Version);
                    earliestCheckpoint = Math.Min(earliestCheckpoint, f.Version);
                    break;
            }
        }

        if (latest < 0)
        {
            return null;
        }

        return new TableVersionRange(hasCommitZero ? 0 : Math.Min(earliestCheckpoint, latest), latest);
    }

    public bool Contains(long version) => version >= Earliest && version <= Latest;

    public override string ToString() => Earliest == Latest ? $"the only readable version is {Latest}" : $"the readable versions are {Earliest} to {Latest}";
}
