using System.Globalization;
using Serverless.Cdc.Jobs;

namespace Serverless.Bench;

/// <summary>
/// The job's snapshot settings tried in one run: chunks read at once and target rows per chunk, or the job's defaults
/// (a spec without a snapshot section; both null).
/// </summary>
public sealed record SnapshotSetting(int? Parallelism, int? ChunkRows)
{
    public const string DefaultName = "default";

    public bool IsDefault => Parallelism is null;

    /// <summary>Parses "default" or "4x250000" (parallelism x chunkRows).</summary>
    public static SnapshotSetting Parse(string text)
    {
        if (text == DefaultName)
        {
            return new SnapshotSetting(null, null);
        }

        var parts = text.Split('x');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parallelism)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var chunkRows))
        {
            throw new ArgumentException($"'{text}' is not a snapshot setting; write {DefaultName} or PARALLELISMxCHUNKROWS, e.g. 4x250000.", nameof(text));
        }

        return new SnapshotSetting(parallelism, chunkRows);
    }

    public override string ToString()
    {
        var defaults = new SnapshotSpec();
        return IsDefault
            ? string.Create(CultureInfo.InvariantCulture, $"defaults (parallelism {defaults.Parallelism}, chunkRows {defaults.ChunkRows:N0}, chunkBytes {defaults.ChunkBytes / (1024 * 1024)} MiB)")
            : string.Create(CultureInfo.InvariantCulture, $"parallelism {Parallelism}, chunkRows {ChunkRows:N0}");
    }
}
