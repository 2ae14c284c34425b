using Serverless.Delta.Actions;

namespace Serverless.Delta.Log;

/// <summary>The protocol versions and table features this library reads and writes, and the checks against a table's protocol.</summary>
public static class TableFeatures
{
    public const string DeletionVectors = "deletionVectors";
    public const string ColumnMapping = "columnMapping";
    public const string TimestampNtz = "timestampNtz";
    public const string TypeWidening = "typeWidening";
    public const string AppendOnly = "appendOnly";
    public const string Invariants = "invariants";
    public const string V2Checkpoint = "v2Checkpoint";
    public const string VacuumProtocolCheck = "vacuumProtocolCheck";
    public const string DomainMetadata = "domainMetadata";

    /// <summary>Reader features we honour when scanning (v2Checkpoint only as far as classic checkpoints go; a V2 checkpoint is refused when met).</summary>
    public static IReadOnlySet<string> SupportedReaderFeatures { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DeletionVectors, ColumnMapping, TimestampNtz, TypeWidening, "typeWidening-preview", VacuumProtocolCheck, V2Checkpoint,
    };

    /// <summary>Writer features whose rules our writer follows.</summary>
    public static IReadOnlySet<string> SupportedWriterFeatures { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DeletionVectors, ColumnMapping, TimestampNtz, TypeWidening, AppendOnly, Invariants, VacuumProtocolCheck, DomainMetadata,
    };

    /// <summary>Throws when the table needs a reader capability we lack, naming the feature.</summary>
    public static void EnsureReadable(ProtocolAction protocol, string table)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (protocol.MinReaderVersion > 3)
        {
            throw new UnsupportedTableFeatureException(table, $"reader version {protocol.MinReaderVersion}", isReader: true);
        }

        if (protocol.MinReaderVersion == 3)
        {
            foreach (var f in protocol.ReaderFeatures ?? [])
            {
                if (!SupportedReaderFeatures.Contains(f))
                {
                    throw new UnsupportedTableFeatureException(table, f, isReader: true);
                }
            }
        }
    }

    /// <summary>Throws when a write would break a writer rule we do not implement, naming the feature.</summary>
    public static void EnsureWritable(ProtocolAction protocol, string table)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        EnsureReadable(protocol, table);
        switch (protocol.MinWriterVersion)
        {
            case <= 2:
                return;
            case 7:
                foreach (var f in protocol.WriterFeatures ?? [])
                {
                    if (!SupportedWriterFeatures.Contains(f))
                    {
                        throw new UnsupportedTableFeatureException(table, f, isReader: false);
                    }
                }

                return;
            default:
                var implied = protocol.MinWriterVersion switch
                {
                    3 => "checkConstraints (writer version 3)",
                    4 => "changeDataFeed and generatedColumns (writer version 4)",
                    5 => "changeDataFeed, generatedColumns and columnMapping without table features (writer version 5)",
                    _ => $"identityColumns and the features of writer version {protocol.MinWriterVersion}",
                };
                throw new UnsupportedTableFeatureException(table, implied, isReader: false);
        }
    }
}
