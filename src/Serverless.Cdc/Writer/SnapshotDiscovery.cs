using System.Globalization;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Cdc.Writer;

/// <summary>
/// The source position read just before a snapshot discovered its table's schema, kept in the lake table (the table property
/// <see cref="Property"/>, a <see cref="Capture.SourcePosition.SortKey"/> as decimal text) beside the source schema the
/// snapshot recorded. Every change of the table below it is older than every chunk of that snapshot (each chunk is read
/// after the discovery), and a DDL below it is already in the discovered schema; so the writer skips the table's row
/// changes and DDL below it, before converting them: their images may follow a schema older than the lake's.
/// </summary>
public static class SnapshotDiscovery
{
    public const string Property = "serverless.snapshot.discoveryPosition";

    /// <summary>The recorded position, or null when the table has none (created before positions were recorded, or by a CREATE in the stream).</summary>
    public static UInt128? Read(DeltaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return UInt128.TryParse(snapshot.Metadata.GetConfiguration(Property), NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null;
    }

    public static string Write(UInt128 sortKey) => sortKey.ToString(CultureInfo.InvariantCulture);
}
