using Serverless.MySql.Protocol;
namespace Serverless.MySql.Binlog;

/// <summary>
/// One column of a TABLE_MAP, with its binlog type resolved (CHAR/ENUM/SET hide their real type in the metadata) and
/// everything the optional metadata told (name, signedness, charset, ENUM/SET strings, key membership).
/// </summary>
public sealed class BinlogColumn
{
    public required int Index { get; init; }

    /// <summary>The type the row bytes are encoded in (the real type for STRING columns: ENUM, SET or STRING).</summary>
    public required ColumnType Type { get; init; }

    /// <summary>The type code as written in the TABLE_MAP column-type array.</summary>
    public required ColumnType DeclaredType { get; init; }

    /// <summary>The raw 16-bit metadata value as decoded for <see cref="DeclaredType"/>.</summary>
    public required ushort Metadata { get; init; }

    public string? Name { get; internal set; }

    public bool IsNullable { get; internal set; }

    public bool IsUnsigned { get; internal set; }

    /// <summary>Collation id of a character or ENUM/SET column (63 = binary), or 0 when the server sent none.</summary>
    public int Collation { get; internal set; }

    public IReadOnlyList<string>? EnumValues { get; internal set; }

    public IReadOnlyList<string>? SetValues { get; internal set; }

    /// <summary>GEOMETRY subtype (0 geometry, 1 point, 2 linestring, 3 polygon, 4 multipoint, 5 multilinestring, 6 multipolygon, 7 collection).</summary>
    public int? GeometryType { get; internal set; }

    public bool IsPrimaryKey { get; internal set; }

    /// <summary>Key prefix length in characters for a prefix primary-key part; 0 means the whole column.</summary>
    public int PrimaryKeyPrefix { get; internal set; }

    public bool IsVisible { get; internal set; } = true;

    /// <summary>Maximum length in bytes for STRING/VARCHAR; length-prefix bytes for BLOB/JSON/GEOMETRY; pack length for ENUM/SET.</summary>
    public int Length { get; init; }

    public int Precision { get; init; }

    public int Scale { get; init; }

    /// <summary>Fractional seconds precision for TIME2/DATETIME2/TIMESTAMP2.</summary>
    public int FractionalSecondsPrecision { get; init; }

    /// <summary>Number of bits of a BIT(n) column.</summary>
    public int BitCount { get; init; }

    public bool IsNumeric => DeclaredType is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long
        or ColumnType.LongLong or ColumnType.Float or ColumnType.Double or ColumnType.NewDecimal or ColumnType.Decimal;

    /// <summary>Columns whose charset the optional metadata lists under DEFAULT_CHARSET/COLUMN_CHARSET.</summary>
    public bool IsCharacter => Type is ColumnType.String or ColumnType.VarChar or ColumnType.VarString or ColumnType.Blob
        or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob
        or ColumnType.MariaDbVarCharCompressed or ColumnType.MariaDbBlobCompressed;

    public bool IsEnumOrSet => Type is ColumnType.Enum or ColumnType.Set;

    public bool IsBinary => Collation == MySqlCharsets.BinaryCollation;

    public override string ToString() => $"{Name ?? $"#{Index}"} {Type}";
}
