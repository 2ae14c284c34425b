using Serverless.Parquet.Format;

namespace Serverless.Parquet;

/// <summary>Maps between <see cref="ParquetSchema"/> and the footer's SchemaElement list (flat schemas only).</summary>
internal static class SchemaConversion
{
    public static List<SchemaElement> ToElements(ParquetSchema schema)
    {
        var list = new List<SchemaElement>(schema.Count + 1) { new() { Name = "schema", NumChildren = schema.Count } };
        foreach (var c in schema.Columns)
        {
            var e = new SchemaElement
            {
                Name = c.Name,
                Type = c.PhysicalType,
                RepetitionType = c.IsRequired ? 0 : 1,
                FieldId = c.FieldId,
                LogicalType = c.LogicalType,
                ConvertedType = LegacyConvertedType(c.LogicalType),
            };
            if (c.PhysicalType == ParquetPhysicalType.FixedLenByteArray)
            {
                e.TypeLength = c.TypeLength;
            }

            if (c.IsDecimal)
            {
                e.Scale = c.LogicalType!.Scale;
                e.Precision = c.LogicalType.Precision;
            }

            list.Add(e);
        }

        return list;
    }

    /// <summary>The ConvertedType older readers understand, where one means the same as the logical type.</summary>
    public static ConvertedType? LegacyConvertedType(ParquetLogicalType? logical) => logical?.Kind switch
    {
        ParquetLogicalTypeKind.String => ConvertedType.Utf8,
        ParquetLogicalTypeKind.Json => ConvertedType.Json,
        ParquetLogicalTypeKind.Enum => ConvertedType.Enum,
        ParquetLogicalTypeKind.Bson => ConvertedType.Bson,
        ParquetLogicalTypeKind.Decimal => ConvertedType.Decimal,
        ParquetLogicalTypeKind.Date => ConvertedType.Date,

        // TIME_*/TIMESTAMP_* converted types mean "adjusted to UTC"; local times have no legacy equivalent.
        ParquetLogicalTypeKind.Time when logical.IsAdjustedToUtc && logical.Unit == ParquetTimeUnit.Millis => ConvertedType.TimeMillis,
        ParquetLogicalTypeKind.Time when logical.IsAdjustedToUtc && logical.Unit == ParquetTimeUnit.Micros => ConvertedType.TimeMicros,
        ParquetLogicalTypeKind.Timestamp when logical.IsAdjustedToUtc && logical.Unit == ParquetTimeUnit.Millis => ConvertedType.TimestampMillis,
        ParquetLogicalTypeKind.Timestamp when logical.IsAdjustedToUtc && logical.Unit == ParquetTimeUnit.Micros => ConvertedType.TimestampMicros,
        ParquetLogicalTypeKind.Integer => (logical.BitWidth, logical.IsSigned) switch
        {
            (8, true) => ConvertedType.Int8,
            (16, true) => ConvertedType.Int16,
            (32, true) => ConvertedType.Int32,
            (64, true) => ConvertedType.Int64,
            (8, false) => ConvertedType.Uint8,
            (16, false) => ConvertedType.Uint16,
            (32, false) => ConvertedType.Uint32,
            _ => ConvertedType.Uint64,
        },
        _ => null,
    };

    /// <summary>Builds the flat schema of a file; nested or repeated columns raise a clear error.</summary>
    public static ParquetSchema FromElements(List<SchemaElement> elements, long footerOffset)
    {
        if (elements.Count == 0)
        {
            throw new ParquetFormatException(footerOffset, "the footer has an empty schema");
        }

        var root = elements[0];
        var declared = root.NumChildren ?? 0;
        var columns = new List<ParquetColumn>(elements.Count - 1);
        for (var i = 1; i < elements.Count; i++)
        {
            var e = elements[i];
            if (e.NumChildren is > 0 || e.Type is null)
            {
                throw new ParquetFormatException(footerOffset, $"column '{e.Name}' is a nested group; this reader supports flat schemas only (no struct, list or map columns)");
            }

            if (e.RepetitionType == 2)
            {
                throw new ParquetFormatException(footerOffset, $"column '{e.Name}' is repeated; this reader supports flat schemas only");
            }

            var physical = e.Type.Value;
            if (physical is < ParquetPhysicalType.Boolean or > ParquetPhysicalType.FixedLenByteArray)
            {
                throw new ParquetFormatException(footerOffset, $"column '{e.Name}' has unknown physical type {(int)physical}");
            }

            var logical = e.LogicalType ?? FromConvertedType(e);
            if (logical?.Kind == ParquetLogicalTypeKind.Decimal && physical is not (ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64 or ParquetPhysicalType.FixedLenByteArray or ParquetPhysicalType.ByteArray))
            {
                logical = null;
            }

            var typeLength = physical switch
            {
                ParquetPhysicalType.FixedLenByteArray => e.TypeLength is > 0 and <= 1 << 20 ? e.TypeLength.Value
                    : throw new ParquetFormatException(footerOffset, $"column '{e.Name}' has invalid FIXED_LEN_BYTE_ARRAY length {e.TypeLength}"),
                ParquetPhysicalType.Int96 => 12,
                _ => 0,
            };

            columns.Add(new ParquetColumn(e.Name, physical, logical, e.RepetitionType == 0, e.FieldId, typeLength));
        }

        if (declared != columns.Count)
        {
            throw new ParquetFormatException(footerOffset, $"the schema root declares {declared} children but {columns.Count} columns follow");
        }

        try
        {
            return new ParquetSchema(columns);
        }
        catch (ArgumentException e)
        {
            throw new ParquetFormatException(footerOffset, e.Message);
        }
    }

    private static ParquetLogicalType? FromConvertedType(SchemaElement e) => e.ConvertedType switch
    {
        ConvertedType.Utf8 => ParquetLogicalType.String,
        ConvertedType.Json => ParquetLogicalType.Json,
        ConvertedType.Enum => ParquetLogicalType.Enum,
        ConvertedType.Bson => ParquetLogicalType.Bson,
        ConvertedType.Decimal when e.Precision is > 0 && e.Scale is >= 0 && e.Scale <= e.Precision => ParquetLogicalType.Decimal(e.Precision.Value, e.Scale ?? 0),
        ConvertedType.Date => ParquetLogicalType.Date,
        ConvertedType.TimeMillis => ParquetLogicalType.Time(true, ParquetTimeUnit.Millis),
        ConvertedType.TimeMicros => ParquetLogicalType.Time(true, ParquetTimeUnit.Micros),
        ConvertedType.TimestampMillis => ParquetLogicalType.Timestamp(true, ParquetTimeUnit.Millis),
        ConvertedType.TimestampMicros => ParquetLogicalType.Timestamp(true, ParquetTimeUnit.Micros),
        ConvertedType.Int8 => ParquetLogicalType.Integer(8),
        ConvertedType.Int16 => ParquetLogicalType.Integer(16),
        ConvertedType.Int32 => ParquetLogicalType.Integer(32),
        ConvertedType.Int64 => ParquetLogicalType.Integer(64),
        ConvertedType.Uint8 => ParquetLogicalType.Integer(8, false),
        ConvertedType.Uint16 => ParquetLogicalType.Integer(16, false),
        ConvertedType.Uint32 => ParquetLogicalType.Integer(32, false),
        ConvertedType.Uint64 => ParquetLogicalType.Integer(64, false),
        _ => null,
    };
}
