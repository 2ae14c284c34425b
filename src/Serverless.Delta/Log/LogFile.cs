using System.Globalization;
using Serverless.Storage;

namespace Serverless.Delta.Log;

/// <summary>What a file directly inside _delta_log is, by its name.</summary>
public enum LogFileKind
{
    Commit,
    ClassicCheckpoint,
    MultiPartCheckpoint,
    UuidCheckpoint,
    Other,
}

/// <summary>One file of the log, parsed from its name (e.g. 00000000000000000010.checkpoint.0000000001.0000000003.parquet).</summary>
public sealed record LogFile(LogFileKind Kind, long Version, ObjectInfo Info, int Part = 0, int Parts = 0)
{
    /// <summary>Parses a name directly inside _delta_log; files in subfolders (.tmp/, _sidecars/, _staged_commits/) are not log files.</summary>
    public static LogFile? TryParse(string name, ObjectInfo info)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length < 21 || name.Contains('/', StringComparison.Ordinal) || !IsDigits(name.AsSpan(0, 20)) || name[20] != '.')
        {
            return null;
        }

        var version = long.Parse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture);
        var rest = name.AsSpan(21);
        if (rest.SequenceEqual("json"))
        {
            return new LogFile(LogFileKind.Commit, version, info);
        }

        if (rest.SequenceEqual("checkpoint.parquet"))
        {
            return new LogFile(LogFileKind.ClassicCheckpoint, version, info);
        }

        if (rest.StartsWith("checkpoint.") && (rest.EndsWith(".parquet") || rest.EndsWith(".json")))
        {
            var middle = rest["checkpoint.".Length..rest.LastIndexOf('.')];
            var dot = middle.IndexOf('.');
            if (dot == 10 && middle.Length == 21 && IsDigits(middle[..10]) && IsDigits(middle[11..]) && rest.EndsWith(".parquet"))
            {
                var part = int.Parse(middle[..10], NumberStyles.None, CultureInfo.InvariantCulture);
                var parts = int.Parse(middle[11..], NumberStyles.None, CultureInfo.InvariantCulture);
                return new LogFile(LogFileKind.MultiPartCheckpoint, version, info, part, parts);
            }

            return new LogFile(LogFileKind.UuidCheckpoint, version, info);
        }

        return new LogFile(LogFileKind.Other, version, info);
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}
