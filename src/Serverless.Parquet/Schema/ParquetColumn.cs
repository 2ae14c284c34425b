namespace Serverless.Parquet;

/// <summary>
/// One flat column: a name, its physical type, an optional logical type, whether values may be null, and an
/// optional field id (Delta column mapping stores the column's id here).
/// </summary>
public sealed record ParquetColumn
{
    public ParquetColumn(
        string name,
        ParquetPhysicalType physicalType,
        ParquetLogicalType? logicalType = null,
        bool isRequired = false,
        int? fieldId = null,
        int typeLength = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (physicalType == ParquetPhysicalType.FixedLenByteArray && typeLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(typeLength), $"Column '{name}': FIXED_LEN_BYTE_ARRAY needs a positive type length.");
        }

        Name = name;
        PhysicalType = physicalType;
        LogicalType = logicalType;
        IsRequired = isRequired;
        FieldId = fieldId;
        TypeLength = typeLength;
    }

    public string Name { get; init; }

    public ParquetPhysicalType PhysicalType { get; init; }

    public ParquetLogicalType? LogicalType { get; init; }

    /// <summary>REQUIRED (never null) when true, OPTIONAL otherwise.</summary>
    public bool IsRequired { get; init; }

    public int? FieldId { get; init; }

    /// <summary>Byte length of FIXED_LEN_BYTE_ARRAY values (and the 12 bytes of INT96); 0 otherwise.</summary>
    public int TypeLength { get; init; }

    /// <summary>True when byte-array values are text (STRING, JSON, ENUM) and the row API returns strings.</summary>
    public bool IsText => PhysicalType == ParquetPhysicalType.ByteArray &&
        LogicalType?.Kind is ParquetLogicalTypeKind.String or ParquetLogicalTypeKind.Json or ParquetLogicalTypeKind.Enum;

    public bool IsDecimal => LogicalType?.Kind == ParquetLogicalTypeKind.Decimal;

    public static ParquetColumn Boolean(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Boolean, null, isRequired, fieldId);

    /// <summary>INT(8, signed) on INT32 (DuckDB TINYINT, Delta byte).</summary>
    public static ParquetColumn Int8(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int32, ParquetLogicalType.Integer(8), isRequired, fieldId);

    /// <summary>INT(16, signed) on INT32 (DuckDB SMALLINT, Delta short).</summary>
    public static ParquetColumn Int16(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int32, ParquetLogicalType.Integer(16), isRequired, fieldId);

    public static ParquetColumn Int32(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int32, null, isRequired, fieldId);

    public static ParquetColumn Int64(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int64, null, isRequired, fieldId);

    public static ParquetColumn Float(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Float, null, isRequired, fieldId);

    public static ParquetColumn Double(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Double, null, isRequired, fieldId);

    public static ParquetColumn String(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.ByteArray, ParquetLogicalType.String, isRequired, fieldId);

    public static ParquetColumn Json(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.ByteArray, ParquetLogicalType.Json, isRequired, fieldId);

    public static ParquetColumn Binary(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.ByteArray, null, isRequired, fieldId);

    public static ParquetColumn FixedBinary(string name, int length, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.FixedLenByteArray, null, isRequired, fieldId, length);

    /// <summary>DATE on INT32: days since 1970-01-01.</summary>
    public static ParquetColumn Date(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int32, ParquetLogicalType.Date, isRequired, fieldId);

    /// <summary>TIMESTAMP(MICROS) on INT64; <paramref name="isAdjustedToUtc"/> false gives Delta's timestamp_ntz.</summary>
    public static ParquetColumn Timestamp(string name, bool isAdjustedToUtc = true, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int64, ParquetLogicalType.Timestamp(isAdjustedToUtc), isRequired, fieldId);

    /// <summary>TIME(MICROS) on INT64: microseconds since midnight.</summary>
    public static ParquetColumn Time(string name, bool isRequired = false, int? fieldId = null) =>
        new(name, ParquetPhysicalType.Int64, ParquetLogicalType.Time(false), isRequired, fieldId);

    /// <summary>
    /// DECIMAL(precision, scale) on the narrowest physical type Spark also uses: INT32 up to 9 digits, INT64 up to 18,
    /// FIXED_LEN_BYTE_ARRAY of the minimal length beyond.
    /// </summary>
    public static ParquetColumn Decimal(string name, int precision, int scale, bool isRequired = false, int? fieldId = null)
    {
        if (precision > ParquetDecimal.MaxPrecision)
        {
            throw new ArgumentOutOfRangeException(nameof(precision), $"Column '{name}': DECIMAL precision {precision} exceeds {ParquetDecimal.MaxPrecision}.");
        }

        var logical = ParquetLogicalType.Decimal(precision, scale);
        return precision switch
        {
            <= 9 => new ParquetColumn(name, ParquetPhysicalType.Int32, logical, isRequired, fieldId),
            <= 18 => new ParquetColumn(name, ParquetPhysicalType.Int64, logical, isRequired, fieldId),
            _ => new ParquetColumn(name, ParquetPhysicalType.FixedLenByteArray, logical, isRequired, fieldId, DecimalByteLength(precision)),
        };
    }

    /// <summary>The minimal two's complement byte length that holds every value of the given precision.</summary>
    public static int DecimalByteLength(int precision)
    {
        var max = Int128.One;
        for (var i = 0; i < precision; i++)
        {
            max *= 10;
        }

        // Need 2^(8n-1) > 10^precision - 1.
        for (var n = 1; n < 17; n++)
        {
            if (n == 16 || (Int128.One << ((8 * n) - 1)) >= max)
            {
                return n;
            }
        }

        return 16;
    }

    public override string ToString() =>
        $"{Name} {PhysicalType}{(LogicalType is null ? "" : " " + LogicalType)}{(IsRequired ? " required" : "")}";
}
