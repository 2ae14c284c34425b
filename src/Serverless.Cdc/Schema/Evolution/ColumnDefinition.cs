namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// A column as a CREATE TABLE or ALTER TABLE statement defines it, with its type normalized the way information_schema
/// reports it (<c>INTEGER</c> is <c>int</c>, <c>BOOL</c> is <c>tinyint(1)</c>, <c>DEC(8)</c> is <c>decimal(8,0)</c>,
/// <c>FLOAT(30)</c> is <c>double</c>), so <see cref="ToSourceColumn"/> gives the <see cref="SourceColumn"/> discovery would
/// read for it and <see cref="TypeMapper"/> maps both alike.
/// </summary>
public sealed record ColumnDefinition
{
    public required string Name { get; init; }

    /// <summary>The bare lower-case type name, as information_schema's DATA_TYPE.</summary>
    public required string DataType { get; init; }

    /// <summary>The full type, as information_schema's COLUMN_TYPE (<c>int(10) unsigned</c>, <c>enum('a','b')</c>).</summary>
    public required string ColumnType { get; init; }

    /// <summary>False for NOT NULL (written, or implied by PRIMARY KEY or SERIAL).</summary>
    public bool Nullable { get; init; } = true;

    /// <summary>True when the definition writes NULL or NOT NULL (or implies NOT NULL by PRIMARY KEY or SERIAL), false when it leaves nullability to the server.</summary>
    public bool NullabilityWritten { get; init; }

    /// <summary>Digits of DECIMAL, bits of BIT; null for other types.</summary>
    public int? NumericPrecision { get; init; }

    public int? NumericScale { get; init; }

    /// <summary>Fractional-second digits of TIME, DATETIME and TIMESTAMP (0 when not written).</summary>
    public int? DatetimePrecision { get; init; }

    /// <summary>The character set the definition names (CHARACTER SET, CHARSET), or null when it leaves it to the table.</summary>
    public string? CharacterSet { get; init; }

    /// <summary>The DEFAULT the definition gives, or null when it gives none.</summary>
    public ColumnDefault? Default { get; init; }

    /// <summary>True when the definition gives a DEFAULT (a column added with one fills the existing rows at the source).</summary>
    public bool HasDefault => Default is not null;

    /// <summary>The definition itself says PRIMARY KEY.</summary>
    public bool IsPrimaryKey { get; init; }

    /// <summary>The definition itself says UNIQUE.</summary>
    public bool IsUnique { get; init; }

    /// <summary>As information_schema's EXTRA: <c>auto_increment</c>, <c>VIRTUAL GENERATED</c>, <c>STORED GENERATED</c>, or empty.</summary>
    public string Extra { get; init; } = string.Empty;

    /// <summary>True for character types (they carry a character set).</summary>
    public bool IsText => DataType is "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set";

    /// <summary>The column as discovery describes it, at <paramref name="ordinal"/> (1-based), with the table's character set for text types that name none.</summary>
    public SourceColumn ToSourceColumn(int ordinal, string? tableCharacterSet = null) => new()
    {
        Name = Name,
        Ordinal = ordinal,
        DataType = DataType,
        ColumnType = ColumnType,
        IsNullable = Nullable,
        NumericPrecision = NumericPrecision,
        NumericScale = NumericScale,
        DatetimePrecision = DatetimePrecision,
        CharacterSet = IsText ? CharacterSet ?? tableCharacterSet : null,
        Extra = Extra,
    };

    public override string ToString() => $"{Name} {ColumnType}{(Nullable ? string.Empty : " NOT NULL")}";
}
