namespace Serverless.Delta.Log;

/// <summary>The table's protocol requires a feature this library does not implement.</summary>
public sealed class UnsupportedTableFeatureException : DeltaException
{
    public UnsupportedTableFeatureException(string table, string feature, bool isReader)
        : base(isReader
            ? $"Table {table} requires the reader feature '{feature}', which this library does not support; it cannot read the table correctly. Read it with an engine that supports '{feature}', or drop the feature from the table (ALTER TABLE ... DROP FEATURE) if the engine that added it allows."
            : $"Table {table} requires the writer feature '{feature}', which this library does not support; writing could corrupt the table, so writes are refused. Reading still works.")
    {
        Feature = feature;
        IsReaderFeature = isReader;
    }

    public string Feature { get; }

    public bool IsReaderFeature { get; }
}
