namespace Serverless.Parquet;

/// <summary>
/// A logical type annotation. Create with the static members (<see cref="String"/>, <see cref="Decimal"/>, ...).
/// Only the properties that belong to <see cref="Kind"/> are meaningful.
/// </summary>
public sealed record ParquetLogicalType
{
    private ParquetLogicalType(ParquetLogicalTypeKind kind)
    {
        Kind = kind;
    }

    public ParquetLogicalTypeKind Kind { get; }

    /// <summary>DECIMAL precision (1..38 for writing).</summary>
    public int Precision { get; private init; }

    /// <summary>DECIMAL scale (0..precision).</summary>
    public int Scale { get; private init; }

    /// <summary>TIME/TIMESTAMP: true when values are instants in UTC (Delta timestamp), false for local (timestamp_ntz).</summary>
    public bool IsAdjustedToUtc { get; private init; }

    public ParquetTimeUnit Unit { get; private init; }

    /// <summary>INTEGER bit width: 8, 16, 32 or 64.</summary>
    public int BitWidth { get; private init; }

    public bool IsSigned { get; private init; }

    public static ParquetLogicalType String { get; } = new(ParquetLogicalTypeKind.String);

    public static ParquetLogicalType Json { get; } = new(ParquetLogicalTypeKind.Json);

    public static ParquetLogicalType Enum { get; } = new(ParquetLogicalTypeKind.Enum);

    public static ParquetLogicalType Date { get; } = new(ParquetLogicalTypeKind.Date);

    public static ParquetLogicalType Uuid { get; } = new(ParquetLogicalTypeKind.Uuid);

    public static ParquetLogicalType Bson { get; } = new(ParquetLogicalTypeKind.Bson);

    internal static ParquetLogicalType Map { get; } = new(ParquetLogicalTypeKind.Map);

    internal static ParquetLogicalType List { get; } = new(ParquetLogicalTypeKind.List);

    internal static ParquetLogicalType Unknown { get; } = new(ParquetLogicalTypeKind.Unknown);

    internal static ParquetLogicalType Interval { get; } = new(ParquetLogicalTypeKind.Interval);

    internal static ParquetLogicalType Float16 { get; } = new(ParquetLogicalTypeKind.Float16);

    internal static ParquetLogicalType Other { get; } = new(ParquetLogicalTypeKind.Other);

    public static ParquetLogicalType Decimal(int precision, int scale)
    {
        if (precision < 1 || scale < 0 || scale > precision)
        {
            throw new ArgumentOutOfRangeException(nameof(precision), $"DECIMAL({precision},{scale}) is invalid: need 1 <= precision and 0 <= scale <= precision.");
        }

        return new ParquetLogicalType(ParquetLogicalTypeKind.Decimal) { Precision = precision, Scale = scale };
    }

    public static ParquetLogicalType Timestamp(bool isAdjustedToUtc, ParquetTimeUnit unit = ParquetTimeUnit.Micros) =>
        new(ParquetLogicalTypeKind.Timestamp) { IsAdjustedToUtc = isAdjustedToUtc, Unit = unit };

    public static ParquetLogicalType Time(bool isAdjustedToUtc, ParquetTimeUnit unit = ParquetTimeUnit.Micros) =>
        new(ParquetLogicalTypeKind.Time) { IsAdjustedToUtc = isAdjustedToUtc, Unit = unit };

    public static ParquetLogicalType Integer(int bitWidth, bool isSigned = true)
    {
        if (bitWidth is not (8 or 16 or 32 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(bitWidth), $"INTEGER bit width {bitWidth} is invalid: use 8, 16, 32 or 64.");
        }

        return new ParquetLogicalType(ParquetLogicalTypeKind.Integer) { BitWidth = bitWidth, IsSigned = isSigned };
    }

    public override string ToString() => Kind switch
    {
        ParquetLogicalTypeKind.Decimal => $"DECIMAL({Precision},{Scale})",
        ParquetLogicalTypeKind.Timestamp => $"TIMESTAMP({Unit},utc={IsAdjustedToUtc})",
        ParquetLogicalTypeKind.Time => $"TIME({Unit},utc={IsAdjustedToUtc})",
        ParquetLogicalTypeKind.Integer => $"INT({BitWidth},{(IsSigned ? "signed" : "unsigned")})",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}
