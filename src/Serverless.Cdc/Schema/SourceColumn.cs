namespace Serverless.Cdc.Schema;

/// <summary>
/// A column as information_schema.COLUMNS describes it. <see cref="DataType"/> is the bare lower-case type name
/// (<c>int</c>, <c>varchar</c>, <c>point</c>...), <see cref="ColumnType"/> the full definition (<c>int(10) unsigned</c>,
/// <c>enum('a','b')</c>, <c>bit(5)</c>).
/// </summary>
public sealed record SourceColumn
{
    public required string Name { get; init; }

    /// <summary>1-based position in the table.</summary>
    public required int Ordinal { get; init; }

    public required string DataType { get; init; }

    public required string ColumnType { get; init; }

    public bool IsNullable { get; init; } = true;

    public bool IsUnsigned => ColumnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);

    /// <summary>NUMERIC_PRECISION: digits of DECIMAL, bits of BIT.</summary>
    public int? NumericPrecision { get; init; }

    public int? NumericScale { get; init; }

    /// <summary>Fractional-second digits of TIME, DATETIME and TIMESTAMP.</summary>
    public int? DatetimePrecision { get; init; }

    public string? CharacterSet { get; init; }

    /// <summary>EXTRA, e.g. <c>auto_increment</c> or <c>VIRTUAL GENERATED</c>.</summary>
    public string Extra { get; init; } = string.Empty;

    public override string ToString() => $"{Name} {ColumnType}";
}
