using Serverless.Cdc.Jobs;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// Maps MySQL and MariaDB column types to Delta types and Parquet columns, as DESIGN.md's "Type mapping" gives it:
/// integers to the narrowest signed type that holds the range (unsigned widened, BIGINT UNSIGNED → decimal(20,0)),
/// DECIMAL(p≤38) → decimal, wider → string, DATE → date, DATETIME → timestamp_ntz, TIMESTAMP → timestamp (UTC),
/// TIME → string or microseconds, YEAR → short, text-like types → string, binary and spatial types → binary (WKB),
/// BIT(1) → boolean, BIT(n) → long or binary.
/// <para>
/// A NOT NULL source column is a NOT NULL lake column (Delta <c>nullable: false</c>, Parquet REQUIRED), unless its
/// values can still map to null: DATE, DATETIME and TIMESTAMP hold zero and partial-zero dates even when NOT NULL,
/// and with <see cref="TypeMappingOptions.ZeroDateValue"/> null (the default) those are written as nulls.
/// </para>
/// </summary>
public static class TypeMapper
{
    /// <summary>Maps every column of <paramref name="table"/>; all unsupported columns are reported in one exception.</summary>
    /// <exception cref="UnsupportedColumnTypeException">A column type has no mapping, or a column uses a reserved _cdc_ name.</exception>
    public static TableMapping Map(SourceTable table, TypeMappingOptions? options = null, bool softDelete = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new TypeMappingOptions();
        var mapped = new List<MappedColumn>(table.Columns.Count);
        var unsupported = new List<SourceColumn>();
        foreach (var column in table.Columns)
        {
            if (CdcColumns.IsReserved(column.Name))
            {
                throw new UnsupportedColumnTypeException(
                    $"Table {table.QualifiedName} has a column named '{column.Name}', which the lake reserves for change metadata. " +
                    "Exclude the table in the job spec or rename the column at the source.");
            }

            var m = TryMap(column, options);
            if (m is null)
            {
                unsupported.Add(column);
            }
            else
            {
                mapped.Add(m);
            }
        }

        if (unsupported.Count > 0)
        {
            throw new UnsupportedColumnTypeException(table.QualifiedName, unsupported);
        }

        return new TableMapping(
            table,
            mapped,
            ParquetColumn.Decimal(CdcColumns.Position, CdcColumns.PositionPrecision, 0, isRequired: true),
            ParquetColumn.Timestamp(CdcColumns.Timestamp, isAdjustedToUtc: true, isRequired: true),
            softDelete ? ParquetColumn.Boolean(CdcColumns.Deleted, isRequired: true) : null);
    }

    /// <summary>The mapping of one column, or null when its type has none.</summary>
    public static MappedColumn? TryMap(SourceColumn column, TypeMappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        options ??= new TypeMappingOptions();
        var name = column.Name;
        var unsigned = column.IsUnsigned;
        switch (column.DataType.ToLowerInvariant())
        {
            case "tinyint" or "bool" or "boolean":
                return unsigned
                    ? Make(column, PrimitiveType.Short, ParquetColumn.Int16(name), ValueConversion.Int16, options)
                    : Make(column, PrimitiveType.Byte, ParquetColumn.Int8(name), ValueConversion.Int8, options);
            case "smallint":
                return unsigned
                    ? Make(column, PrimitiveType.Integer, ParquetColumn.Int32(name), ValueConversion.Int32, options)
                    : Make(column, PrimitiveType.Short, ParquetColumn.Int16(name), ValueConversion.Int16, options);
            case "mediumint":
                return Make(column, PrimitiveType.Integer, ParquetColumn.Int32(name), ValueConversion.Int32, options);
            case "int" or "integer":
                return unsigned
                    ? Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.Int64, options)
                    : Make(column, PrimitiveType.Integer, ParquetColumn.Int32(name), ValueConversion.Int32, options);
            case "bigint":
                return unsigned
                    ? Make(column, new DecimalType(20, 0), ParquetColumn.Decimal(name, 20, 0), ValueConversion.UInt64Decimal, options)
                    : Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.Int64, options);
            case "decimal" or "numeric" or "fixed":
                {
                    var precision = column.NumericPrecision ?? 10;
                    var scale = column.NumericScale ?? 0;
                    return precision <= DecimalType.MaxPrecision
                        ? Make(column, new DecimalType(precision, scale), ParquetColumn.Decimal(name, precision, scale), ValueConversion.Decimal, options)
                        : Make(column, PrimitiveType.String, ParquetColumn.String(name), ValueConversion.Text, options);
                }

            case "float":
                return Make(column, PrimitiveType.Float, ParquetColumn.Float(name), ValueConversion.Float, options);
            case "double" or "double precision" or "real":
                return Make(column, PrimitiveType.Double, ParquetColumn.Double(name), ValueConversion.Double, options);
            case "date":
                return Make(column, PrimitiveType.Date, ParquetColumn.Date(name), ValueConversion.Date, options);
            case "datetime":
                return Make(column, PrimitiveType.TimestampNtz, ParquetColumn.Timestamp(name, isAdjustedToUtc: false), ValueConversion.DateTimeNtz, options);
            case "timestamp":
                return Make(column, PrimitiveType.Timestamp, ParquetColumn.Timestamp(name, isAdjustedToUtc: true), ValueConversion.TimestampUtc, options);
            case "time":
                return options.Time == TimeMapping.Microseconds
                    ? Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.TimeMicroseconds, options)
                    : Make(column, PrimitiveType.String, ParquetColumn.String(name), ValueConversion.Text, options);
            case "year":
                return Make(column, PrimitiveType.Short, ParquetColumn.Int16(name), ValueConversion.Int16, options);
            case "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "long" or "long varchar"
                or "enum" or "set" or "json" or "inet4" or "inet6" or "uuid" or "nchar" or "nvarchar":
                return Make(column, PrimitiveType.String, ParquetColumn.String(name), ValueConversion.Text, options);
            case "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" or "long varbinary" or "vector":
                return Make(column, PrimitiveType.Binary, ParquetColumn.Binary(name), ValueConversion.Binary, options);
            case "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon"
                or "geometrycollection" or "geomcollection":
                return Make(column, PrimitiveType.Binary, ParquetColumn.Binary(name), ValueConversion.GeometryWkb, options);
            case "bit":
                {
                    var bits = column.NumericPrecision ?? 1;
                    if (bits == 1)
                    {
                        return Make(column, PrimitiveType.Boolean, ParquetColumn.Boolean(name), ValueConversion.BitBoolean, options);
                    }

                    return options.MultiBit == BitMapping.Binary
                        ? Make(column, PrimitiveType.Binary, ParquetColumn.Binary(name), ValueConversion.Binary, options)
                        : Make(column, PrimitiveType.Long, ParquetColumn.Int64(name), ValueConversion.BitLong, options);
                }

            default:
                return null;
        }
    }

    /// <summary>
    /// True when the lake column must accept null: the source column is nullable, or it is a date-like column whose
    /// zero dates become null (<see cref="TypeMappingOptions.ZeroDateValue"/> null), which NOT NULL does not prevent.
    /// </summary>
    public static bool MayHoldNull(SourceColumn column, ValueConversion conversion, TypeMappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.IsNullable
            || (conversion is ValueConversion.Date or ValueConversion.DateTimeNtz or ValueConversion.TimestampUtc
                && (options ?? new TypeMappingOptions()).ZeroDateValue is null);
    }

    private static MappedColumn Make(SourceColumn column, DeltaType deltaType, ParquetColumn parquet, ValueConversion conversion, TypeMappingOptions options)
    {
        var nullable = MayHoldNull(column, conversion, options);
        return new(column, deltaType, nullable, parquet with { IsRequired = !nullable }, conversion);
    }
}
