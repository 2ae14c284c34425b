namespace Serverless.Delta.Merge;

/// <summary>
/// One keyed row version: an upsert carries the whole row, a delete needs only the key and position columns (the
/// rest may be null). <see cref="Row"/> holds the values of the table's columns in schema order, as
/// <see cref="Scanning.DeltaValues"/> types (or anything the Parquet row API accepts for the column).
/// </summary>
public sealed record RowChange(bool IsDelete, object?[] Row)
{
    public static RowChange Upsert(object?[] row) => new(false, row);

    public static RowChange Delete(object?[] row) => new(true, row);
}
