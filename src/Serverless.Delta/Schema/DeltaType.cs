namespace Serverless.Delta.Schema;

/// <summary>A Delta column type as the schema serialization format names it (PROTOCOL.md, Schema Serialization Format).</summary>
public abstract record DeltaType
{
    /// <summary>The type's name in schemaString for primitives; "struct", "array" or "map" for nested types.</summary>
    public abstract string TypeName { get; }
}

/// <summary>A primitive type: string, long, integer, short, byte, float, double, boolean, binary, date, timestamp, timestamp_ntz.</summary>
public sealed record PrimitiveType : DeltaType
{
    private PrimitiveType(string name) => Name = name;

    public string Name { get; }

    public override string TypeName => Name;

    public static PrimitiveType String { get; } = new("string");

    public static PrimitiveType Long { get; } = new("long");

    public static PrimitiveType Integer { get; } = new("integer");

    public static PrimitiveType Short { get; } = new("short");

    public static PrimitiveType Byte { get; } = new("byte");

    public static PrimitiveType Float { get; } = new("float");

    public static PrimitiveType Double { get; } = new("double");

    public static PrimitiveType Boolean { get; } = new("boolean");

    public static PrimitiveType Binary { get; } = new("binary");

    public static PrimitiveType Date { get; } = new("date");

    public static PrimitiveType Timestamp { get; } = new("timestamp");

    public static PrimitiveType TimestampNtz { get; } = new("timestamp_ntz");

    /// <summary>Legacy tables may carry void columns; readers drop them.</summary>
    public static PrimitiveType Void { get; } = new("void");

    /// <summary>The primitive named <paramref name="name"/>, or null when the name is not a primitive Delta type.</summary>
    public static PrimitiveType? FromName(string name) => name switch
    {
        "string" => String,
        "long" => Long,
        "integer" => Integer,
        "short" => Short,
        "byte" => Byte,
        "float" => Float,
        "double" => Double,
        "boolean" => Boolean,
        "binary" => Binary,
        "date" => Date,
        "timestamp" => Timestamp,
        "timestamp_ntz" => TimestampNtz,
        "void" => Void,
        _ => null,
    };

    public override string ToString() => Name;
}

/// <summary>decimal(precision, scale) with precision up to 38.</summary>
public sealed record DecimalType : DeltaType
{
    public const int MaxPrecision = 38;

    public DecimalType(int precision, int scale)
    {
        if (precision is < 1 or > MaxPrecision || scale < 0 || scale > precision)
        {
            throw new ArgumentOutOfRangeException(nameof(precision), $"decimal({precision},{scale}) is not a valid Delta decimal: precision must be 1..38 and scale 0..precision.");
        }

        Precision = precision;
        Scale = scale;
    }

    public int Precision { get; }

    public int Scale { get; }

    public override string TypeName => $"decimal({Precision},{Scale})";

    public override string ToString() => TypeName;
}

/// <summary>A struct: the table schema itself or a nested struct column.</summary>
public sealed record StructType(IReadOnlyList<StructField> Fields) : DeltaType
{
    public override string TypeName => "struct";

    /// <summary>The field with this logical name (exact match first, then case-insensitive as Delta names are case-insensitive).</summary>
    public StructField? FindField(string name)
    {
        foreach (var f in Fields)
        {
            if (string.Equals(f.Name, name, StringComparison.Ordinal))
            {
                return f;
            }
        }

        foreach (var f in Fields)
        {
            if (string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return f;
            }
        }

        return null;
    }

    public bool Equals(StructType? other) =>
        other is not null && Fields.Count == other.Fields.Count && Fields.SequenceEqual(other.Fields);

    public override int GetHashCode() => Fields.Count;

    public override string ToString() => "struct<" + string.Join(", ", Fields.Select(f => f.Name + ": " + f.Type)) + ">";
}

/// <summary>array&lt;element&gt;.</summary>
public sealed record ArrayType(DeltaType ElementType, bool ContainsNull) : DeltaType
{
    public override string TypeName => "array";

    public override string ToString() => $"array<{ElementType}>";
}

/// <summary>map&lt;key, value&gt;.</summary>
public sealed record MapType(DeltaType KeyType, DeltaType ValueType, bool ValueContainsNull) : DeltaType
{
    public override string TypeName => "map";

    public override string ToString() => $"map<{KeyType}, {ValueType}>";
}
