using System.Globalization;

namespace Serverless.Bench;

/// <summary>The job's snapshot settings tried in one run: chunks read at once and target rows per chunk.</summary>
public sealed record SnapshotSetting(int Parallelism, int ChunkRows)
{
    /// <summary>Parses "4x250000" (parallelism x chunkRows).</summary>
    public static SnapshotSetting Parse(string text)
    {
        var parts = text.Split('x');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parallelism)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var chunkRows))
        {
            throw new ArgumentException($"'{text}' is not a snapshot setting; write PARALLELISMxCHUNKROWS, e.g. 4x250000.", nameof(text));
        }

        return new SnapshotSetting(parallelism, chunkRows);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"parallelism {Parallelism}, chunkRows {ChunkRows:N0}");
}
